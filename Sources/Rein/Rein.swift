// The umbrella module: re-exports every Rein module, nothing more.
@_exported import Box2DEnvironments
@_exported import ClassicControl
@_exported import Experiments
@_exported import Graphics
@_exported import Gym
@_exported import MuJoCoEnvironments
@_exported import NeuralNetworks
@_exported import PolicyGradient
@_exported import Recording
@_exported import Tensors
