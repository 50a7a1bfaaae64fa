// Tests of the MuJoCoEnvironments module.
