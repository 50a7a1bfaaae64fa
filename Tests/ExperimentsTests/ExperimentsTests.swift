// Tests of the Experiments module.
