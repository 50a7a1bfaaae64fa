// MARK: - Ant's model

extension MuJoCoModels {
  /// The MJCF model of `Ant-v4` (mirrors Gymnasium's `ant.xml`).
  static let ant = #"""
    <!--
      Ant: a quadruped, a 0.25 m spherical torso on a free joint with four legs of hip and ankle.
      Same bodies, joints, actuators, options and parameters as Gymnasium's v4 model (ant.xml).
      Units: metres, degrees for joint ranges, seconds; geom density 5 kg/m^3.
      State: qpos = torso position (3) and orientation quaternion (4), then hip_1, ankle_1, hip_2, ankle_2, hip_3,
      ankle_3, hip_4, ankle_4; qvel = torso linear and angular velocity (6) and the 8 joint velocities.
      The actuators are listed leg 4 first, as in Gymnasium.
    -->
    <mujoco model="ant">
      <compiler angle="degree" inertiafromgeom="true"/>
      <option timestep="0.01" integrator="RK4"/>
      <!-- Unused by the environment; kept so the model equals Gymnasium's. -->
      <custom>
        <numeric name="init_qpos" data="0.0 0.0 0.55 1.0 0.0 0.0 0.0 0.0 1.0 0.0 -1.0 0.0 -1.0 0.0 1.0"/>
      </custom>
      <default>
        <joint limited="true" armature="1" damping="1"/>
        <geom conaffinity="0" condim="3" density="5.0" friction="1 0.5 0.5" margin="0.01" rgba="0.8 0.6 0.4 1"/>
      </default>
      <asset>
        <texture type="skybox" builtin="gradient" width="100" height="100" rgb1="1 1 1" rgb2="0 0 0"/>
        <texture name="texgeom" type="cube" builtin="flat" width="127" height="1278" rgb1="0.8 0.6 0.4"
                 rgb2="0.8 0.6 0.4"
                 mark="cross" markrgb="1 1 1" random="0.01"/>
        <texture name="texplane" type="2d" builtin="checker" width="100" height="100" rgb1="0 0 0" rgb2="0.8 0.8 0.8"/>
        <material name="MatPlane" texture="texplane" texrepeat="60 60" reflectance="0.5" shininess="1" specular="1"/>
        <material name="geom" texture="texgeom" texuniform="true"/>
      </asset>
      <worldbody>
        <light pos="0 0 1.3" dir="-0 0 -1.3" directional="true" cutoff="100" exponent="1" diffuse="1 1 1"
               specular=".1 .1 .1"/>
        <geom name="floor" type="plane" size="40 40 40" pos="0 0 0" conaffinity="1" condim="3" material="MatPlane"
              rgba="0.8 0.9 0.8 1"/>
        <body name="torso" pos="0 0 0.75">
          <camera name="track" mode="trackcom" pos="0 -3 0.3" xyaxes="1 0 0 0 0 1"/>
          <geom name="torso_geom" type="sphere" size="0.25" pos="0 0 0"/>
          <joint name="root" type="free" pos="0 0 0" limited="false" armature="0" damping="0" margin="0.01"/>
          <body name="front_left_leg" pos="0 0 0">
            <geom name="aux_1_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.2 0.2 0.0"/>
            <body name="aux_1" pos="0.2 0.2 0">
              <joint name="hip_1" type="hinge" axis="0 0 1" pos="0.0 0.0 0.0" range="-30 30"/>
              <geom name="left_leg_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.2 0.2 0.0"/>
              <body pos="0.2 0.2 0">
                <joint name="ankle_1" type="hinge" axis="-1 1 0" pos="0.0 0.0 0.0" range="30 70"/>
                <geom name="left_ankle_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.4 0.4 0.0"/>
              </body>
            </body>
          </body>
          <body name="front_right_leg" pos="0 0 0">
            <geom name="aux_2_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.2 0.2 0.0"/>
            <body name="aux_2" pos="-0.2 0.2 0">
              <joint name="hip_2" type="hinge" axis="0 0 1" pos="0.0 0.0 0.0" range="-30 30"/>
              <geom name="right_leg_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.2 0.2 0.0"/>
              <body pos="-0.2 0.2 0">
                <joint name="ankle_2" type="hinge" axis="1 1 0" pos="0.0 0.0 0.0" range="-70 -30"/>
                <geom name="right_ankle_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.4 0.4 0.0"/>
              </body>
            </body>
          </body>
          <body name="back_leg" pos="0 0 0">
            <geom name="aux_3_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.2 -0.2 0.0"/>
            <body name="aux_3" pos="-0.2 -0.2 0">
              <joint name="hip_3" type="hinge" axis="0 0 1" pos="0.0 0.0 0.0" range="-30 30"/>
              <geom name="back_leg_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.2 -0.2 0.0"/>
              <body pos="-0.2 -0.2 0">
                <joint name="ankle_3" type="hinge" axis="-1 1 0" pos="0.0 0.0 0.0" range="-70 -30"/>
                <geom name="third_ankle_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 -0.4 -0.4 0.0"/>
              </body>
            </body>
          </body>
          <body name="right_back_leg" pos="0 0 0">
            <geom name="aux_4_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.2 -0.2 0.0"/>
            <body name="aux_4" pos="0.2 -0.2 0">
              <joint name="hip_4" type="hinge" axis="0 0 1" pos="0.0 0.0 0.0" range="-30 30"/>
              <geom name="rightback_leg_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.2 -0.2 0.0"/>
              <body pos="0.2 -0.2 0">
                <joint name="ankle_4" type="hinge" axis="1 1 0" pos="0.0 0.0 0.0" range="30 70"/>
                <geom name="fourth_ankle_geom" type="capsule" size="0.08" fromto="0.0 0.0 0.0 0.4 -0.4 0.0"/>
              </body>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Torques: control in [-1, 1] times gear 150. -->
        <motor joint="hip_4" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="ankle_4" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="hip_1" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="ankle_1" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="hip_2" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="ankle_2" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="hip_3" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="ankle_3" gear="150" ctrllimited="true" ctrlrange="-1.0 1.0"/>
      </actuator>
    </mujoco>
    """#
}
