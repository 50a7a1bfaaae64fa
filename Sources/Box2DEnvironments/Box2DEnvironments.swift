// The Box2DEnvironments module.
