// MARK: - InvertedDoublePendulum's model

extension MuJoCoModels {
  /// The MJCF model of `InvertedDoublePendulum-v4` (mirrors Gymnasium's `inverted_double_pendulum.xml`).
  static let invertedDoublePendulum = #"""
    <!--
      InvertedDoublePendulum: a cart on a 2 m rail carrying two 0.6 m poles in a chain; one motor pushes the cart.
      Same bodies, joints, actuator, options and parameters as Gymnasium's v4 model (inverted_double_pendulum.xml).
      Units: metres, radians, seconds; masses follow from the geoms (density 1000 kg/m^3).
      State: qpos = (cart x, hinge, hinge2), qvel likewise. The site "tip" marks the end of the second pole.
    -->
    <mujoco model="cartpole">
      <compiler inertiafromgeom="true"/>
      <!-- A tiny sideways gravity (1e-5 m/s^2) breaks the symmetry of the upright state. 0.01 s steps, RK4. -->
      <option timestep="0.01" integrator="RK4" gravity="1e-5 0 -9.81"/>
      <size nstack="3000"/>
      <!-- Unused by the environment (it takes 5 MuJoCo steps per step); kept so the model equals Gymnasium's. -->
      <custom>
        <numeric name="frame_skip" data="2"/>
      </custom>
      <default>
        <joint damping="0.05"/>
        <!-- contype 0: nothing collides. -->
        <geom contype="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
      </default>
      <worldbody>
        <geom name="floor" type="plane" size="40 40 40" pos="0 0 -3.0" rgba="0.8 0.9 0.8 1"/>
        <geom name="rail" type="capsule" size="0.02 1" pos="0 0 0" quat="0.707 0 0.707 0" rgba="0.3 0.3 0.7 1"/>
        <body name="cart" pos="0 0 0">
          <joint name="slider" type="slide" axis="1 0 0" pos="0 0 0" limited="true" range="-1 1" margin="0.01"/>
          <geom name="cart" type="capsule" size="0.1 0.1" pos="0 0 0" quat="0.707 0 0.707 0"/>
          <body name="pole" pos="0 0 0">
            <joint name="hinge" type="hinge" axis="0 1 0" pos="0 0 0"/>
            <geom name="cpole" type="capsule" size="0.045 0.3" fromto="0 0 0 0 0 0.6" rgba="0 0.7 0.7 1"/>
            <body name="pole2" pos="0 0 0.6">
              <joint name="hinge2" type="hinge" axis="0 1 0" pos="0 0 0"/>
              <geom name="cpole2" type="capsule" size="0.045 0.3" fromto="0 0 0 0 0 0.6" rgba="0 0.7 0.7 1"/>
              <site name="tip" pos="0 0 .6" size="0.01 0.01"/>
            </body>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Force on the cart: control in [-1, 1] times gear 500, in newtons. -->
        <motor name="slide" joint="slider" gear="500" ctrllimited="true" ctrlrange="-1 1"/>
      </actuator>
    </mujoco>
    """#
}
