// MARK: - Swimmer's model

extension MuJoCoModels {
  /// The MJCF model of `Swimmer-v4` (mirrors Gymnasium's `swimmer.xml`).
  static let swimmer = #"""
    <!--
      Swimmer: three 1 m capsules linked by two hinges, swimming in a viscous fluid (no contacts).
      Same bodies, joints, actuators, options and parameters as Gymnasium's v4 model (swimmer.xml).
      Units: metres, degrees for joint ranges, seconds; segment density 1000 kg/m^3, fluid density 4000 kg/m^3.
      State: qpos = (slider1 x, slider2 y, free_body_rot, motor1_rot, motor2_rot), qvel likewise.
    -->
    <mujoco model="swimmer">
      <compiler angle="degree" inertiafromgeom="true"/>
      <option timestep="0.01" integrator="RK4" density="4000" viscosity="0.1"/>
      <default>
        <geom contype="0" conaffinity="0" condim="1" material="geom" rgba="0.8 0.6 .4 1"/>
        <joint armature="0.1"/>
      </default>
      <asset>
        <texture type="skybox" builtin="gradient" width="100" height="100" rgb1="1 1 1" rgb2="0 0 0"/>
        <texture name="texgeom" type="cube" builtin="flat" width="127" height="1278" rgb1="0.8 0.6 0.4"
                 rgb2="0.8 0.6 0.4"
                 mark="cross" markrgb="1 1 1" random="0.01"/>
        <texture name="texplane" type="2d" builtin="checker" width="100" height="100" rgb1="0 0 0" rgb2="0.8 0.8 0.8"/>
        <material name="MatPlane" texture="texplane" texrepeat="30 30" reflectance="0.5" shininess="1" specular="1"/>
        <material name="geom" texture="texgeom" texuniform="true"/>
      </asset>
      <worldbody>
        <light pos="0 0 1.3" dir="-0 0 -1.3" directional="true" cutoff="100" exponent="1" diffuse="1 1 1"
               specular=".1 .1 .1"/>
        <geom name="floor" type="plane" size="40 40 0.1" pos="0 0 -0.1" condim="3" material="MatPlane"
              rgba="0.8 0.9 0.8 1"/>
        <body name="torso" pos="0 0 0">
          <camera name="track" mode="trackcom" pos="0 -3 3" xyaxes="1 0 0 0 1 1"/>
          <geom type="capsule" size="0.1" fromto="1.5 0 0 0.5 0 0" density="1000"/>
          <!-- The front segment moves freely in the plane. -->
          <joint name="slider1" type="slide" axis="1 0 0" pos="0 0 0"/>
          <joint name="slider2" type="slide" axis="0 1 0" pos="0 0 0"/>
          <joint name="free_body_rot" type="hinge" axis="0 0 1" pos="0 0 0"/>
          <body name="mid" pos="0.5 0 0">
            <geom type="capsule" size="0.1" fromto="0 0 0 -1 0 0" density="1000"/>
            <joint name="motor1_rot" type="hinge" axis="0 0 1" pos="0 0 0" limited="true" range="-100 100"/>
            <body name="back" pos="-1 0 0">
              <geom type="capsule" size="0.1" fromto="0 0 0 -1 0 0" density="1000"/>
              <joint name="motor2_rot" type="hinge" axis="0 0 1" pos="0 0 0" limited="true" range="-100 100"/>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Torques: control in [-1, 1] times gear 150. -->
        <motor joint="motor1_rot" gear="150.0" ctrllimited="true" ctrlrange="-1 1"/>
        <motor joint="motor2_rot" gear="150.0" ctrllimited="true" ctrlrange="-1 1"/>
      </actuator>
    </mujoco>
    """#
}
