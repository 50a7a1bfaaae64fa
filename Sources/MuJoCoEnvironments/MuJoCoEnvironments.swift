// The MuJoCoEnvironments module.
