// MARK: - Humanoid's model

extension MuJoCoModels {
  /// The MJCF model of `Humanoid-v4` (mirrors Gymnasium's `humanoid.xml`).
  static let humanoid = #"""
    <!--
      Humanoid: a 3D biped with an abdomen, two legs of hip, knee and foot, and two arms of shoulder and elbow,
      standing 1.4 m tall (torso height) on a free joint.
      Same bodies, joints, tendons, actuators, options and parameters as Gymnasium's v4 model (humanoid.xml).
      Units: metres, degrees for joint ranges, seconds; density 1000 kg/m^3.
      State: qpos = torso position (3) and quaternion (4), then the 17 hinges in document order (abdomen_z,
      abdomen_y, abdomen_x, right_hip_x/z/y, right_knee, left_hip_x/z/y, left_knee, right_shoulder1/2, right_elbow,
      left_shoulder1/2, left_elbow); qvel = torso velocity (6) and the 17 hinge velocities.
    -->
    <mujoco model="humanoid">
      <compiler angle="degree" inertiafromgeom="true"/>
      <!-- 3 ms steps, RK4; the projected Gauss-Seidel solver with at most 50 iterations. -->
      <option timestep="0.003" integrator="RK4" solver="PGS" iterations="50"/>
      <size nkey="5" nuser_geom="1"/>
      <visual>
        <map fogstart="3" fogend="5"/>
      </visual>
      <default>
        <joint limited="true" armature="1" damping="1"/>
        <geom contype="1" conaffinity="1" condim="1" margin="0.001" material="geom" rgba="0.8 0.6 .4 1"/>
        <motor ctrllimited="true" ctrlrange="-.4 .4"/>
      </default>
      <asset>
        <texture type="skybox" builtin="gradient" width="100" height="100" rgb1=".4 .5 .6" rgb2="0 0 0"/>
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
        <geom name="floor" type="plane" size="20 20 0.125" pos="0 0 0" condim="3" friction="1 .1 .1" material="MatPlane"
              rgba="0.8 0.9 0.8 1"/>
        <body name="torso" pos="0 0 1.4">
          <camera name="track" mode="trackcom" pos="0 -4 0" xyaxes="1 0 0 0 0 1"/>
          <joint name="root" type="free" pos="0 0 0" limited="false" armature="0" damping="0" stiffness="0"/>
          <geom name="torso1" type="capsule" size="0.07" fromto="0 -.07 0 0 .07 0"/>
          <geom name="head" type="sphere" size=".09" pos="0 0 .19" user="258"/>
          <geom name="uwaist" type="capsule" size="0.06" fromto="-.01 -.06 -.12 -.01 .06 -.12"/>
          <!-- Abdomen and legs. -->
          <body name="lwaist" pos="-.01 0 -0.260" quat="1.000 0 -0.002 0">
            <geom name="lwaist" type="capsule" size="0.06" fromto="0 -.06 0 0 .06 0"/>
            <joint name="abdomen_z" type="hinge" axis="0 0 1" pos="0 0 0.065" range="-45 45" stiffness="20" damping="5"
                   armature="0.02"/>
            <joint name="abdomen_y" type="hinge" axis="0 1 0" pos="0 0 0.065" range="-75 30" stiffness="10" damping="5"
                   armature="0.02"/>
            <body name="pelvis" pos="0 0 -0.165" quat="1.000 0 -0.002 0">
              <joint name="abdomen_x" type="hinge" axis="1 0 0" pos="0 0 0.1" range="-35 35" stiffness="10" damping="5"
                     armature="0.02"/>
              <geom name="butt" type="capsule" size="0.09" fromto="-.02 -.07 0 -.02 .07 0"/>
              <body name="right_thigh" pos="0 -0.1 -0.04">
                <joint name="right_hip_x" type="hinge" axis="1 0 0" pos="0 0 0" range="-25 5" stiffness="10" damping="5"
                       armature="0.01"/>
                <joint name="right_hip_z" type="hinge" axis="0 0 1" pos="0 0 0" range="-60 35" stiffness="10"
                       damping="5"
                       armature="0.01"/>
                <joint name="right_hip_y" type="hinge" axis="0 1 0" pos="0 0 0" range="-110 20" stiffness="20"
                       damping="5"
                       armature="0.0080"/>
                <geom name="right_thigh1" type="capsule" size="0.06" fromto="0 0 0 0 0.01 -.34"/>
                <body name="right_shin" pos="0 0.01 -0.403">
                  <joint name="right_knee" type="hinge" axis="0 -1 0" pos="0 0 .02" range="-160 -2" armature="0.0060"/>
                  <geom name="right_shin1" type="capsule" size="0.049" fromto="0 0 0 0 0 -.3"/>
                  <body name="right_foot" pos="0 0 -0.45">
                    <geom name="right_foot" type="sphere" size="0.075" pos="0 0 0.1" user="0"/>
                  </body>
                </body>
              </body>
              <body name="left_thigh" pos="0 0.1 -0.04">
                <joint name="left_hip_x" type="hinge" axis="-1 0 0" pos="0 0 0" range="-25 5" stiffness="10" damping="5"
                       armature="0.01"/>
                <joint name="left_hip_z" type="hinge" axis="0 0 -1" pos="0 0 0" range="-60 35" stiffness="10"
                       damping="5"
                       armature="0.01"/>
                <joint name="left_hip_y" type="hinge" axis="0 1 0" pos="0 0 0" range="-110 20" stiffness="20"
                       damping="5"
                       armature="0.01"/>
                <geom name="left_thigh1" type="capsule" size="0.06" fromto="0 0 0 0 -0.01 -.34"/>
                <body name="left_shin" pos="0 -0.01 -0.403">
                  <joint name="left_knee" type="hinge" axis="0 -1 0" pos="0 0 .02" range="-160 -2" stiffness="1"
                         armature="0.0060"/>
                  <geom name="left_shin1" type="capsule" size="0.049" fromto="0 0 0 0 0 -.3"/>
                  <body name="left_foot" pos="0 0 -0.45">
                    <geom name="left_foot" type="sphere" size="0.075" pos="0 0 0.1" user="0"/>
                  </body>
                </body>
              </body>
            </body>
          </body>
          <!-- Arms. -->
          <body name="right_upper_arm" pos="0 -0.17 0.06">
            <joint name="right_shoulder1" type="hinge" axis="2 1 1" pos="0 0 0" range="-85 60" stiffness="1"
                   armature="0.0068"/>
            <joint name="right_shoulder2" type="hinge" axis="0 -1 1" pos="0 0 0" range="-85 60" stiffness="1"
                   armature="0.0051"/>
            <geom name="right_uarm1" type="capsule" size="0.04 0.16" fromto="0 0 0 .16 -.16 -.16"/>
            <body name="right_lower_arm" pos=".18 -.18 -.18">
              <joint name="right_elbow" type="hinge" axis="0 -1 1" pos="0 0 0" range="-90 50" stiffness="0"
                     armature="0.0028"/>
              <geom name="right_larm" type="capsule" size="0.031" fromto="0.01 0.01 0.01 .17 .17 .17"/>
              <geom name="right_hand" type="sphere" size="0.04" pos=".18 .18 .18"/>
              <camera pos="0 0 0"/>
            </body>
          </body>
          <body name="left_upper_arm" pos="0 0.17 0.06">
            <joint name="left_shoulder1" type="hinge" axis="2 -1 1" pos="0 0 0" range="-60 85" stiffness="1"
                   armature="0.0068"/>
            <joint name="left_shoulder2" type="hinge" axis="0 1 1" pos="0 0 0" range="-60 85" stiffness="1"
                   armature="0.0051"/>
            <geom name="left_uarm1" type="capsule" size="0.04 0.16" fromto="0 0 0 .16 .16 -.16"/>
            <body name="left_lower_arm" pos=".18 .18 -.18">
              <joint name="left_elbow" type="hinge" axis="0 -1 -1" pos="0 0 0" range="-90 50" stiffness="0"
                     armature="0.0028"/>
              <geom name="left_larm" type="capsule" size="0.031" fromto="0.01 -0.01 0.01 .17 -.17 .17"/>
              <geom name="left_hand" type="sphere" size="0.04" pos=".18 -.18 .18"/>
            </body>
          </body>
        </body>
      </worldbody>
      <!-- Couplings of hip and knee (fixed tendons: length = knee - hip_y). -->
      <tendon>
        <fixed name="left_hipknee">
          <joint joint="left_hip_y" coef="-1"/>
          <joint joint="left_knee" coef="1"/>
        </fixed>
        <fixed name="right_hipknee">
          <joint joint="right_hip_y" coef="-1"/>
          <joint joint="right_knee" coef="1"/>
        </fixed>
      </tendon>
      <actuator>
        <!-- Torques: control in [-0.4, 0.4] times the gear, in newton-metres. -->
        <motor name="abdomen_y" joint="abdomen_y" gear="100"/>
        <motor name="abdomen_z" joint="abdomen_z" gear="100"/>
        <motor name="abdomen_x" joint="abdomen_x" gear="100"/>
        <motor name="right_hip_x" joint="right_hip_x" gear="100"/>
        <motor name="right_hip_z" joint="right_hip_z" gear="100"/>
        <motor name="right_hip_y" joint="right_hip_y" gear="300"/>
        <motor name="right_knee" joint="right_knee" gear="200"/>
        <motor name="left_hip_x" joint="left_hip_x" gear="100"/>
        <motor name="left_hip_z" joint="left_hip_z" gear="100"/>
        <motor name="left_hip_y" joint="left_hip_y" gear="300"/>
        <motor name="left_knee" joint="left_knee" gear="200"/>
        <motor name="right_shoulder1" joint="right_shoulder1" gear="25"/>
        <motor name="right_shoulder2" joint="right_shoulder2" gear="25"/>
        <motor name="right_elbow" joint="right_elbow" gear="25"/>
        <motor name="left_shoulder1" joint="left_shoulder1" gear="25"/>
        <motor name="left_shoulder2" joint="left_shoulder2" gear="25"/>
        <motor name="left_elbow" joint="left_elbow" gear="25"/>
      </actuator>
    </mujoco>
    """#
}
