// A small C API over Box2D's C++ API, for Rein's Box2D environments.
//
// Only opaque handles and plain C values cross into Swift. Box2D works in single precision, so positions,
// velocities and parameters are `float`s, as in Box2D itself (and in pybox2d, which Gymnasium uses).
//
// When Rein is built without Box2D 2.3 or 2.4 (REIN_HAVE_BOX2D undefined, or a Box2D 3.x found instead), every function
// is a stub: `cb2_available()` returns 0, `cb2_world_create` returns NULL, and callers must check
// `cb2_available()` first.
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Handles

/// A simulation world with its own contact listener.
typedef struct CB2World CB2World;
/// A rigid body owned by a world.
typedef struct CB2Body CB2Body;
/// A revolute joint owned by a world.
typedef struct CB2RevoluteJoint CB2RevoluteJoint;

/// 1 when Rein was built with Box2D, 0 when every function below is a stub.
int cb2_available(void);

/// Box2D's version as major * 10000 + minor * 100 + revision (0 without Box2D).
int cb2_version(void);

/// 1 when linked against Rein's own build of Box2D 2.4.1 (scripts/setup-box2d.sh, in .box2d/), 0 when against the
/// system's library or without Box2D.
int cb2_is_rein_build(void);

// MARK: - Worlds

/// Called once per contact that begins touching (`began` = 1) or stops touching (`began` = 0), during a step,
/// with the tags of the two bodies involved (fixture A's body first).
typedef void (*CB2ContactCallback)(void *context, uintptr_t tagA, uintptr_t tagB, int began);

/// Creates a world with gravity (gx, gy) in m/s^2; NULL without Box2D.
CB2World *cb2_world_create(float gravityX, float gravityY);
/// Destroys a world with all its bodies and joints.
void cb2_world_destroy(CB2World *world);
/// Installs (or, with NULL, removes) the contact callback.
void cb2_world_set_contact_callback(CB2World *world, CB2ContactCallback callback, void *context);
/// Advances the world by `timeStep` seconds.
void cb2_world_step(CB2World *world, float timeStep, int velocityIterations, int positionIterations);
/// Casts a ray from (x1, y1) to (x2, y2) and returns the fraction along it of the closest hit on a fixture whose
/// category bits share a bit with `categoryMask`, or 1 when nothing is hit (as Gymnasium's lidar callback).
float cb2_world_ray_cast_closest(CB2World *world, float x1, float y1, float x2, float y2, uint16_t categoryMask);

// MARK: - Bodies

typedef enum CB2BodyType { CB2StaticBody = 0, CB2KinematicBody = 1, CB2DynamicBody = 2 } CB2BodyType;

/// Creates a body at (x, y) with `angle` radians; `tag` identifies it in contact callbacks.
CB2Body *cb2_body_create(CB2World *world, CB2BodyType type, float x, float y, float angle, uintptr_t tag);
/// Destroys a body with its fixtures and joints.
void cb2_body_destroy(CB2World *world, CB2Body *body);

/// The material and collision filter of a fixture.
typedef struct CB2FixtureOptions {
  float density;
  float friction;
  float restitution;
  uint16_t categoryBits;
  uint16_t maskBits;
} CB2FixtureOptions;

/// Adds a convex polygon of `count` (3 to 8) vertices, `xy` interleaved; returns 0 when Box2D rejects it.
int cb2_body_add_polygon(CB2Body *body, const float *xy, int count, CB2FixtureOptions options);
/// Adds a box of half-widths (hx, hy) centred on the body origin.
void cb2_body_add_box(CB2Body *body, float halfWidth, float halfHeight, CB2FixtureOptions options);
/// Adds a two-sided edge from (x1, y1) to (x2, y2).
void cb2_body_add_edge(CB2Body *body, float x1, float y1, float x2, float y2, CB2FixtureOptions options);

/// The kinematic state of a body.
typedef struct CB2BodyState {
  float x, y, angle;
  float vx, vy, angularVelocity;
} CB2BodyState;

CB2BodyState cb2_body_state(const CB2Body *body);
/// 1 when the body is awake.
int cb2_body_awake(const CB2Body *body);
float cb2_body_mass(const CB2Body *body);
void cb2_body_apply_force_to_center(CB2Body *body, float fx, float fy, int wake);
void cb2_body_apply_linear_impulse(CB2Body *body, float ix, float iy, float px, float py, int wake);
void cb2_body_apply_torque(CB2Body *body, float torque, int wake);

// MARK: - Revolute joints

/// The definition of a revolute joint, as Box2D's b2RevoluteJointDef. pybox2d (and so Gymnasium) sets the
/// reference angle to bodyB's angle minus bodyA's at creation; `cb2_revolute_joint_create` does the same.
typedef struct CB2RevoluteJointOptions {
  float localAnchorAX, localAnchorAY;
  float localAnchorBX, localAnchorBY;
  int enableLimit;
  float lowerAngle, upperAngle;
  int enableMotor;
  float motorSpeed, maxMotorTorque;
} CB2RevoluteJointOptions;

CB2RevoluteJoint *cb2_revolute_joint_create(
  CB2World *world, CB2Body *bodyA, CB2Body *bodyB, CB2RevoluteJointOptions options);
float cb2_revolute_joint_angle(const CB2RevoluteJoint *joint);
float cb2_revolute_joint_speed(const CB2RevoluteJoint *joint);
void cb2_revolute_joint_set_motor_speed(CB2RevoluteJoint *joint, float speed);
void cb2_revolute_joint_set_max_motor_torque(CB2RevoluteJoint *joint, float torque);

#ifdef __cplusplus
}
#endif
