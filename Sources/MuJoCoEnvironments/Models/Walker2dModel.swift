// MARK: - Walker2d's model

extension MuJoCoModels {
  /// The MJCF model of `Walker2d-v4` (mirrors Gymnasium's `walker2d.xml`): the right foot has friction 0.9.
  static let walker2d = walker2dModel(rightFootFriction: "0.9")

  /// The MJCF model of `Walker2d-v5` (mirrors Gymnasium's `walker2d_v5.xml`): v4's with friction 1.9 on both feet.
  static let walker2dV5 = walker2dModel(rightFootFriction: "1.9")

  /// Walker2d's model with the right foot's friction as given (the left foot's is 1.9).
  private static func walker2dModel(rightFootFriction: String) -> String {
    #"""
    <!--
      Walker2d: a planar biped, torso and two legs of thigh, leg and foot.
      Same bodies, joints, actuators, options and parameters as Gymnasium's models (walker2d.xml for v4,
      walker2d_v5.xml for v5): the right foot has friction \#(rightFootFriction), the left 1.9.
      Units: metres, degrees for joint ranges, seconds; density 1000 kg/m^3.
      State: qpos = (rootx, rootz, rooty, thigh, leg, foot, thigh_left, leg_left, foot_left), qvel likewise; rootz has
      reference 1.25, so qpos[1] is the torso height.
    -->
    <mujoco model="walker2d">
      <compiler angle="degree" inertiafromgeom="true"/>
      <option timestep="0.002" integrator="RK4"/>
      <default>
        <joint limited="true" armature="0.01" damping=".1"/>
        <geom contype="1" conaffinity="0" condim="3" density="1000" friction=".7 .1 .1" rgba="0.8 0.6 .4 1"/>
      </default>
      <worldbody>
        <light pos="0 0 1.3" dir="-0 0 -1.3" directional="true" cutoff="100" exponent="1" diffuse="1 1 1"
               specular=".1 .1 .1"/>
        <geom name="floor" type="plane" size="40 40 40" pos="0 0 0" conaffinity="1" condim="3" material="MatPlane"
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
          <geom name="torso_geom" type="capsule" size="0.050000000000000003 0.19999999999999996" friction="0.9"/>
          <!-- Right leg. -->
          <body name="thigh" pos="0 0 -0.19999999999999996">
            <joint name="thigh_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
            <geom name="thigh_geom" type="capsule" size="0.050000000000000003 0.22500000000000003"
                  pos="0 0 -0.22500000000000009" friction="0.9"/>
            <body name="leg" pos="0 0 -0.70000000000000007">
              <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0.25" range="-150 0"/>
              <geom name="leg_geom" type="capsule" size="0.040000000000000001 0.25" friction="0.9"/>
              <body name="foot" pos="0.20000000000000001 0 -0.34999999999999998">
                <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="-0.20000000000000001 0 0.10000000000000001"
                       range="-45 45"/>
                <geom name="foot_geom" type="capsule" size="0.059999999999999998 0.10000000000000001"
                      pos="-0.10000000000000001 0 0.10000000000000001"
                      quat="0.70710678118654757 0 -0.70710678118654746 0"
                      friction="\#(rightFootFriction)"/>
              </body>
            </body>
          </body>
          <!-- Left leg: the same shapes, another colour, a grippier foot. -->
          <body name="thigh_left" pos="0 0 -0.19999999999999996">
            <joint name="thigh_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
            <geom name="thigh_left_geom" type="capsule" size="0.050000000000000003 0.22500000000000003"
                  pos="0 0 -0.22500000000000009" friction="0.9" rgba=".7 .3 .6 1"/>
            <body name="leg_left" pos="0 0 -0.70000000000000007">
              <joint name="leg_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0.25" range="-150 0"/>
              <geom name="leg_left_geom" type="capsule" size="0.040000000000000001 0.25" friction="0.9"
                    rgba=".7 .3 .6 1"/>
              <body name="foot_left" pos="0.20000000000000001 0 -0.34999999999999998">
                <joint name="foot_left_joint" type="hinge" axis="0 -1 0"
                       pos="-0.20000000000000001 0 0.10000000000000001"
                       range="-45 45"/>
                <geom name="foot_left_geom" type="capsule" size="0.059999999999999998 0.10000000000000001"
                      pos="-0.10000000000000001 0 0.10000000000000001"
                      quat="0.70710678118654757 0 -0.70710678118654746 0"
                      friction="1.9" rgba=".7 .3 .6 1"/>
              </body>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Torques: control in [-1, 1] times gear 100. -->
        <motor joint="thigh_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="leg_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="foot_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="thigh_left_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="leg_left_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="foot_left_joint" gear="100" ctrllimited="true" ctrlrange="-1.0 1.0"/>
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
}
