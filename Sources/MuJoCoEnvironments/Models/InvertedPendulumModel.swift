// MARK: - InvertedPendulum's model

extension MuJoCoModels {
  /// The MJCF model of `InvertedPendulum-v4` (mirrors Gymnasium's `inverted_pendulum.xml`).
  static let invertedPendulum = #"""
    <!--
      InvertedPendulum: a cart sliding on a 2 m rail with a pole hinged on it; one motor pushes the cart.
      Same bodies, joints, actuator, options and parameters as Gymnasium's v4 model (inverted_pendulum.xml).
      Units: metres, radians (ranges in degrees), seconds; masses follow from the geoms (density 1000 kg/m^3).
    -->
    <mujoco model="inverted pendulum">
      <compiler inertiafromgeom="true"/>
      <!-- 0.02 s steps with 4th-order Runge-Kutta; the environment applies each action for 2 steps. -->
      <option timestep="0.02" integrator="RK4" gravity="0 0 -9.81"/>
      <size nstack="3000"/>
      <default>
        <joint armature="0" damping="1" limited="true"/>
        <!-- contype 0: nothing collides. -->
        <geom contype="0" friction="1 0.1 0.1" rgba="0.7 0.7 0 1"/>
        <motor ctrlrange="-3 3"/>
      </default>
      <worldbody>
        <geom name="rail" type="capsule" size="0.02 1" pos="0 0 0" quat="0.707 0 0.707 0" rgba="0.3 0.3 0.7 1"/>
        <body name="cart" pos="0 0 0">
          <joint name="slider" type="slide" axis="1 0 0" pos="0 0 0" limited="true" range="-1 1"/>
          <geom name="cart" type="capsule" size="0.1 0.1" pos="0 0 0" quat="0.707 0 0.707 0"/>
          <body name="pole" pos="0 0 0">
            <joint name="hinge" type="hinge" axis="0 1 0" pos="0 0 0" range="-90 90"/>
            <geom name="cpole" type="capsule" size="0.049 0.3" fromto="0 0 0 0.001 0 0.6" rgba="0 0.7 0.7 1"/>
          </body>
        </body>
      </worldbody>
      <actuator>
        <!-- Force on the cart: control in [-3, 3] times gear 100, in newtons. -->
        <motor name="slide" joint="slider" gear="100" ctrllimited="true" ctrlrange="-3 3"/>
      </actuator>
    </mujoco>
    """#
}
