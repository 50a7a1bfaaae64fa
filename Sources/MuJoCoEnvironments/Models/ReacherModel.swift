// MARK: - Reacher's model

extension MuJoCoModels {
  /// The MJCF model of `Reacher-v4` (mirrors Gymnasium's `reacher.xml`).
  static let reacher = #"""
    <!--
      Reacher: a two-link planar arm (0.1 m links) reaching for a target that moves on two slide joints.
      Same bodies, joints, actuators, options and parameters as Gymnasium's v4 model (reacher.xml).
      Units: metres, radians, seconds; masses follow from the geoms (density 1000 kg/m^3).
      State: qpos = (joint0, joint1, target_x, target_y), qvel likewise.
    -->
    <mujoco model="reacher">
      <compiler angle="radian" inertiafromgeom="true"/>
      <option timestep="0.01" integrator="RK4" gravity="0 0 -9.81"/>
      <default>
        <joint armature="1" damping="1" limited="true"/>
        <geom contype="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
      </default>
      <worldbody>
        <!-- The arena: a floor and four low walls, 0.6 m square (visual only: nothing collides). -->
        <geom name="ground" type="plane" size="1 1 10" pos="0 0 0" contype="0" conaffinity="0" rgba="0.9 0.9 0.9 1"/>
        <geom name="sideS" type="capsule" size=".02" fromto="-.3 -.3 .01 .3 -.3 .01" conaffinity="0"
              rgba="0.9 0.4 0.6 1"/>
        <geom name="sideE" type="capsule" size=".02" fromto=".3 -.3 .01 .3 .3 .01" conaffinity="0"
              rgba="0.9 0.4 0.6 1"/>
        <geom name="sideN" type="capsule" size=".02" fromto="-.3 .3 .01 .3 .3 .01" conaffinity="0"
              rgba="0.9 0.4 0.6 1"/>
        <geom name="sideW" type="capsule" size=".02" fromto="-.3 -.3 .01 -.3 .3 .01" conaffinity="0"
              rgba="0.9 0.4 0.6 1"/>
        <!-- The arm. -->
        <geom name="root" type="cylinder" size=".011" fromto="0 0 0 0 0 0.02" contype="0" conaffinity="0"
              rgba="0.9 0.4 0.6 1"/>
        <body name="body0" pos="0 0 .01">
          <geom name="link0" type="capsule" size=".01" fromto="0 0 0 0.1 0 0" rgba="0.0 0.4 0.6 1"/>
          <joint name="joint0" type="hinge" axis="0 0 1" pos="0 0 0" limited="false"/>
          <body name="body1" pos="0.1 0 0">
            <joint name="joint1" type="hinge" axis="0 0 1" pos="0 0 0" limited="true" range="-3.0 3.0"/>
            <geom name="link1" type="capsule" size=".01" fromto="0 0 0 0.1 0 0" rgba="0.0 0.4 0.6 1"/>
            <body name="fingertip" pos="0.11 0 0">
              <geom name="fingertip" type="sphere" size=".01" pos="0 0 0" contype="0" rgba="0.0 0.8 0.6 1"/>
            </body>
          </body>
        </body>
        <!-- The target: two frictionless, undamped slide joints with reference positions (0.1, -0.1). -->
        <body name="target" pos=".1 -.1 .01">
          <joint name="target_x" type="slide" axis="1 0 0" pos="0 0 0" limited="true" range="-.27 .27" ref=".1"
                 armature="0" damping="0" stiffness="0"/>
          <joint name="target_y" type="slide" axis="0 1 0" pos="0 0 0" limited="true" range="-.27 .27" ref="-.1"
                 armature="0" damping="0" stiffness="0"/>
          <geom name="target" type="sphere" size=".009" pos="0 0 0" contype="0" conaffinity="0" rgba="0.9 0.2 0.2 1"/>
        </body>
      </worldbody>
      <actuator>
        <!-- Torques: control in [-1, 1] times gear 200. -->
        <motor joint="joint0" gear="200.0" ctrllimited="true" ctrlrange="-1.0 1.0"/>
        <motor joint="joint1" gear="200.0" ctrllimited="true" ctrlrange="-1.0 1.0"/>
      </actuator>
    </mujoco>
    """#
}
