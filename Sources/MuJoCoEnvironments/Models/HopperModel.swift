// MARK: - Hopper's model

extension MuJoCoModels {
  /// The MJCF model of `Hopper-v4` (mirrors Gymnasium's `hopper.xml`).
  static let hopper = #"""
    <!--
      Hopper: a planar one-legged robot, torso, thigh, leg and foot, hopping forward.
      Same bodies, joints, actuators, options and parameters as Gymnasium's v4 model (hopper.xml).
      Units: metres, degrees for joint ranges, seconds; masses follow from the geoms (density 1000 kg/m^3).
      State: qpos = (rootx, rootz, rooty, thigh_joint, leg_joint, foot_joint), qvel likewise; rootz has reference 1.25,
      so qpos[1] is the torso height.
    -->
    <mujoco model="hopper">
      <compiler angle="degree" inertiafromgeom="true"/>
      <option timestep="0.002" integrator="RK4"/>
      <visual>
        <map znear="0.02"/>
      </visual>
      <default>
        <joint limited="true" armature="1" damping="1"/>
        <geom contype="1" conaffinity="1" condim="1" margin="0.001" solref=".02 1" solimp=".8 .8 .01" material="geom"
              rgba="0.8 0.6 .4 1"/>
        <motor ctrllimited="true" ctrlrange="-.4 .4"/>
      </default>
      <worldbody>
        <light pos="0 0 1.3" dir="-0 0 -1.3" directional="true" cutoff="100" exponent="1" diffuse="1 1 1"
               specular=".1 .1 .1"/>
        <geom name="floor" type="plane" size="20 20 .125" pos="0 0 0" conaffinity="1" condim="3" material="MatPlane"
              rgba="0.8 0.9 0.8 1"/>
        <body name="torso" pos="0 0 1.25">
          <camera name="track" mode="trackcom" pos="0 -3 -0.25" xyaxes="1 0 0 0 0 1"/>
          <!-- The root: free in the x-z plane. -->
          <joint name="rootx" type="slide" axis="1 0 0" pos="0 0 -1.25" limited="false" armature="0" damping="0"
                 stiffness="0"/>
          <joint name="rootz" type="slide" axis="0 0 1" pos="0 0 -1.25" ref="1.25" limited="false" armature="0"
                 damping="0" stiffness="0"/>
          <joint name="rooty" type="hinge" axis="0 1 0" pos="0 0 0" limited="false" armature="0" damping="0"
                 stiffness="0"/>
          <geom name="torso_geom" type="capsule" size="0.05 0.19999999999999996" friction="0.9"/>
          <body name="thigh" pos="0 0 -0.19999999999999996">
            <joint name="thigh_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
            <geom name="thigh_geom" type="capsule" size="0.05 0.22500000000000003" pos="0 0 -0.22500000000000009"
                  friction="0.9"/>
            <body name="leg" pos="0 0 -0.70000000000000007">
              <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0.25" range="-150 0"/>
              <geom name="leg_geom" type="capsule" size="0.04 0.25" friction="0.9"/>
              <body name="foot" pos="0.13 0 -0.35">
                <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="-0.13 0 0.1" range="-45 45"/>
                <geom name="foot_geom" type="capsule" size="0.06 0.195" pos="-0.065 0 0.1"
                      quat="0.70710678118654757 0 -0.70710678118654746 0" friction="2.0"/>
              </body>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Torques: control in [-1, 1] times gear 200. -->
        <motor joint="thigh_joint" gear="200.0" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="leg_joint" gear="200.0" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="foot_joint" gear="200.0" ctrllimited="true" ctrlrange="-1.0 1.0"/>
      </actuator>
      <asset>
        <texture type="skybox" builtin="gradient" width="100" height="100" rgb1=".4 .5 .6" rgb2="0 0 0"/>
        <texture name="texgeom" type="cube" builtin="flat" width="127" height="1278" rgb1="0.8 0.6 0.4"
                 rgb2="0.8 0.6 0.4"
                 mark="cross" markrgb="1 1 1" random="0.01"/>
        <texture name="texplane" type="2d" builtin="checker" width="100" height="100" rgb1="0 0 0" rgb2="0.8 0.8 0.8"/>
        <material name="MatPlane" texture="texplane" texrepeat="60 60" reflectance="0.5" shininess="1" specular="1"/>
        <material name="geom" texture="texgeom" texuniform="true"/>
      </asset>
    </mujoco>
    """#
}
