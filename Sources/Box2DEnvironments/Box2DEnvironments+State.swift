import Gym

// MARK: - Why Box2D environments cannot be saved
//
// Box2D keeps state that its API does not let a program read back and set: the contact manager's persistent
// contacts with their accumulated impulses (used to warm-start the next solver step), the broad-phase tree and
// the order of its pairs, and sleep timers. Recreating bodies at saved positions and velocities starts with
// fresh contacts, so the continuation differs from the uninterrupted one after the first step with contact.
// Rather than resume inexactly, saving throws; the training layer then writes snapshots without the world
// (checkpoint_every) that continue from fresh episodes and say so.

/// The reason every Box2D environment gives.
let box2DStateReason =
  "Box2D's contact solver keeps warm-start impulses and contact order that cannot be read back or set, so a "
  + "restored world would not continue bit for bit"

extension LunarLander {
  public func saveState() throws -> EnvironmentState {
    throw EnvironmentStateError.unsupported(environment: name, reason: box2DStateReason)
  }

  public func restoreState(_ state: EnvironmentState) throws {
    throw EnvironmentStateError.unsupported(environment: name, reason: box2DStateReason)
  }
}

extension BipedalWalker {
  public func saveState() throws -> EnvironmentState {
    throw EnvironmentStateError.unsupported(environment: name, reason: box2DStateReason)
  }

  public func restoreState(_ state: EnvironmentState) throws {
    throw EnvironmentStateError.unsupported(environment: name, reason: box2DStateReason)
  }
}
