// MARK: - The model files

/// The MJCF models of Rein's MuJoCo environments, embedded as text so that they travel with the binary.
///
/// Each is written for Rein with the same bodies, joints, actuators, options and physical parameters as the
/// Gymnasium v4 model it mirrors, in the same order (MuJoCo numbers bodies, joints and geoms in document order,
/// and the order shows in observations): compiled by MuJoCo 4.0.0, each yields a model identical to Gymnasium's in
/// every numeric field, which is what makes the trajectories match to the bit. Visual-only settings (colours,
/// materials, cameras, lights) are kept where they are cheap, dropped where they need assets.
enum MuJoCoModels {}
