// Tests of the Tensors module.
