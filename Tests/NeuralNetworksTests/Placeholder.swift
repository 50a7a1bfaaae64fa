// Tests of the NeuralNetworks module.
