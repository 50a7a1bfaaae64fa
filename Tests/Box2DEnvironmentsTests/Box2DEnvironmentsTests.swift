// Tests of the Box2DEnvironments module.
