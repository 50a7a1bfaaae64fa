// Tests of the Gym module.
