// The C API of CBox2D.h over Box2D's C++ API, 2.3 (pybox2d's, Rein's own build) or 2.4 (Debian's libbox2d);
// stubs when Rein is built without Box2D.

#include "CBox2D.h"

// Box2D 2.3 (the C++ tree of pybox2d's sdist, which scripts/setup-box2d.sh builds into .box2d/include/Box2D) is
// recognised by its Box2D/Common/b2Settings.h, 2.4 by its box2d/b2_world.h. Box2D 3.x (Homebrew's `box2d` today)
// has a different, C API under the same header name: with it the stubs below are compiled instead.
#if defined(REIN_HAVE_BOX2D) && __has_include(<Box2D/Common/b2Settings.h>)
#define REIN_BOX2D_23 1
#elif defined(REIN_HAVE_BOX2D) && __has_include(<box2d/b2_world.h>)
#define REIN_BOX2D_24 1
#endif

#if defined(REIN_BOX2D_23) || defined(REIN_BOX2D_24)

#ifdef REIN_BOX2D_23
#include <Box2D/Box2D.h>
// 2.3 keeps a body's user data as a pointer (2.4: a struct holding a uintptr_t) and names a two-sided edge's
// setter Set (2.4: SetTwoSided).
static inline uintptr_t bodyTag(const b2Body *body) { return reinterpret_cast<uintptr_t>(body->GetUserData()); }
static inline void setBodyTag(b2BodyDef &def, uintptr_t tag) { def.userData = reinterpret_cast<void *>(tag); }
static inline void setEdge(b2EdgeShape &shape, b2Vec2 a, b2Vec2 b) { shape.Set(a, b); }
#else
#include <box2d/box2d.h>
// 2.4.1's b2Body::GetUserData is not const.
static inline uintptr_t bodyTag(const b2Body *body) { return const_cast<b2Body *>(body)->GetUserData().pointer; }
static inline void setBodyTag(b2BodyDef &def, uintptr_t tag) { def.userData.pointer = tag; }
static inline void setEdge(b2EdgeShape &shape, b2Vec2 a, b2Vec2 b) { shape.SetTwoSided(a, b); }
#endif

// MARK: - Worlds

namespace {

/// Forwards Box2D's contact events to a C callback with the tags of the two bodies.
class ContactForwarder final : public b2ContactListener {
public:
  CB2ContactCallback callback = nullptr;
  void *context = nullptr;

  void BeginContact(b2Contact *contact) override { forward(contact, 1); }
  void EndContact(b2Contact *contact) override { forward(contact, 0); }

private:
  void forward(b2Contact *contact, int began) {
    if (callback == nullptr) return;
    uintptr_t tagA = bodyTag(contact->GetFixtureA()->GetBody());
    uintptr_t tagB = bodyTag(contact->GetFixtureB()->GetBody());
    callback(context, tagA, tagB, began);
  }
};

/// Keeps the closest hit among fixtures of the wanted categories, clipping the ray at each hit.
class ClosestRayCast final : public b2RayCastCallback {
public:
  explicit ClosestRayCast(uint16_t mask) : mask(mask) {}
  float fraction = 1.0f;

  float ReportFixture(b2Fixture *fixture, const b2Vec2 &, const b2Vec2 &, float hitFraction) override {
    if ((fixture->GetFilterData().categoryBits & mask) == 0) return -1.0f;
    fraction = hitFraction;
    return hitFraction;
  }

private:
  uint16_t mask;
};

}  // namespace

struct CB2World {
  b2World world;
  ContactForwarder listener;
  explicit CB2World(b2Vec2 gravity) : world(gravity) { world.SetContactListener(&listener); }
};

static inline b2Body *unwrap(CB2Body *body) { return reinterpret_cast<b2Body *>(body); }
static inline const b2Body *unwrap(const CB2Body *body) { return reinterpret_cast<const b2Body *>(body); }
static inline b2RevoluteJoint *unwrap(CB2RevoluteJoint *joint) { return reinterpret_cast<b2RevoluteJoint *>(joint); }
static inline const b2RevoluteJoint *unwrap(const CB2RevoluteJoint *joint) {
  return reinterpret_cast<const b2RevoluteJoint *>(joint);
}

extern "C" {

int cb2_available(void) { return 1; }

int cb2_version(void) { return b2_version.major * 10000 + b2_version.minor * 100 + b2_version.revision; }

int cb2_is_rein_build(void) {
#ifdef REIN_BOX2D_BUILD
  return 1;
#else
  return 0;
#endif
}

CB2World *cb2_world_create(float gravityX, float gravityY) { return new CB2World(b2Vec2(gravityX, gravityY)); }

void cb2_world_destroy(CB2World *world) { delete world; }

void cb2_world_set_contact_callback(CB2World *world, CB2ContactCallback callback, void *context) {
  world->listener.callback = callback;
  world->listener.context = context;
}

void cb2_world_step(CB2World *world, float timeStep, int velocityIterations, int positionIterations) {
  world->world.Step(timeStep, velocityIterations, positionIterations);
}

float cb2_world_ray_cast_closest(CB2World *world, float x1, float y1, float x2, float y2, uint16_t categoryMask) {
  ClosestRayCast callback(categoryMask);
  world->world.RayCast(&callback, b2Vec2(x1, y1), b2Vec2(x2, y2));
  return callback.fraction;
}

// MARK: - Bodies

CB2Body *cb2_body_create(CB2World *world, CB2BodyType type, float x, float y, float angle, uintptr_t tag) {
  b2BodyDef def;
  switch (type) {
  case CB2StaticBody: def.type = b2_staticBody; break;
  case CB2KinematicBody: def.type = b2_kinematicBody; break;
  case CB2DynamicBody: def.type = b2_dynamicBody; break;
  }
  def.position.Set(x, y);
  def.angle = angle;
  setBodyTag(def, tag);
  return reinterpret_cast<CB2Body *>(world->world.CreateBody(&def));
}

void cb2_body_destroy(CB2World *world, CB2Body *body) { world->world.DestroyBody(unwrap(body)); }

static void addFixture(CB2Body *body, const b2Shape *shape, CB2FixtureOptions options) {
  b2FixtureDef def;
  def.shape = shape;
  def.density = options.density;
  def.friction = options.friction;
  def.restitution = options.restitution;
  def.filter.categoryBits = options.categoryBits;
  def.filter.maskBits = options.maskBits;
  unwrap(body)->CreateFixture(&def);
}

int cb2_body_add_polygon(CB2Body *body, const float *xy, int count, CB2FixtureOptions options) {
  if (count < 3 || count > b2_maxPolygonVertices) return 0;
  b2Vec2 points[b2_maxPolygonVertices];
  for (int i = 0; i < count; ++i) points[i].Set(xy[2 * i], xy[2 * i + 1]);
  b2PolygonShape shape;
  shape.Set(points, count);
  if (shape.m_count < 3) return 0;
  addFixture(body, &shape, options);
  return 1;
}

void cb2_body_add_box(CB2Body *body, float halfWidth, float halfHeight, CB2FixtureOptions options) {
  b2PolygonShape shape;
  shape.SetAsBox(halfWidth, halfHeight);
  addFixture(body, &shape, options);
}

void cb2_body_add_edge(CB2Body *body, float x1, float y1, float x2, float y2, CB2FixtureOptions options) {
  b2EdgeShape shape;
  setEdge(shape, b2Vec2(x1, y1), b2Vec2(x2, y2));
  addFixture(body, &shape, options);
}

CB2BodyState cb2_body_state(const CB2Body *body) {
  const b2Body *b = unwrap(body);
  const b2Vec2 &p = b->GetPosition();
  const b2Vec2 &v = b->GetLinearVelocity();
  return CB2BodyState{p.x, p.y, b->GetAngle(), v.x, v.y, b->GetAngularVelocity()};
}

int cb2_body_awake(const CB2Body *body) { return unwrap(body)->IsAwake() ? 1 : 0; }

float cb2_body_mass(const CB2Body *body) { return unwrap(body)->GetMass(); }

void cb2_body_apply_force_to_center(CB2Body *body, float fx, float fy, int wake) {
  unwrap(body)->ApplyForceToCenter(b2Vec2(fx, fy), wake != 0);
}

void cb2_body_apply_linear_impulse(CB2Body *body, float ix, float iy, float px, float py, int wake) {
  unwrap(body)->ApplyLinearImpulse(b2Vec2(ix, iy), b2Vec2(px, py), wake != 0);
}

void cb2_body_apply_torque(CB2Body *body, float torque, int wake) { unwrap(body)->ApplyTorque(torque, wake != 0); }

// MARK: - Revolute joints

CB2RevoluteJoint *cb2_revolute_joint_create(
  CB2World *world, CB2Body *bodyA, CB2Body *bodyB, CB2RevoluteJointOptions options) {
  b2RevoluteJointDef def;
  def.bodyA = unwrap(bodyA);
  def.bodyB = unwrap(bodyB);
  def.localAnchorA.Set(options.localAnchorAX, options.localAnchorAY);
  def.localAnchorB.Set(options.localAnchorBX, options.localAnchorBY);
  // As pybox2d: the current relative angle is the joint's zero (computed in double, as in Python).
  def.referenceAngle = static_cast<float>(static_cast<double>(def.bodyB->GetAngle()) - def.bodyA->GetAngle());
  def.enableLimit = options.enableLimit != 0;
  def.lowerAngle = options.lowerAngle;
  def.upperAngle = options.upperAngle;
  def.enableMotor = options.enableMotor != 0;
  def.motorSpeed = options.motorSpeed;
  def.maxMotorTorque = options.maxMotorTorque;
  return reinterpret_cast<CB2RevoluteJoint *>(world->world.CreateJoint(&def));
}

float cb2_revolute_joint_angle(const CB2RevoluteJoint *joint) { return unwrap(joint)->GetJointAngle(); }

float cb2_revolute_joint_speed(const CB2RevoluteJoint *joint) { return unwrap(joint)->GetJointSpeed(); }

void cb2_revolute_joint_set_motor_speed(CB2RevoluteJoint *joint, float speed) { unwrap(joint)->SetMotorSpeed(speed); }

void cb2_revolute_joint_set_max_motor_torque(CB2RevoluteJoint *joint, float torque) {
  unwrap(joint)->SetMaxMotorTorque(torque);
}

}  // extern "C"

#else  // MARK: - Stubs without Box2D

extern "C" {

int cb2_available(void) { return 0; }
int cb2_version(void) { return 0; }
int cb2_is_rein_build(void) { return 0; }
CB2World *cb2_world_create(float, float) { return nullptr; }
void cb2_world_destroy(CB2World *) {}
void cb2_world_set_contact_callback(CB2World *, CB2ContactCallback, void *) {}
void cb2_world_step(CB2World *, float, int, int) {}
float cb2_world_ray_cast_closest(CB2World *, float, float, float, float, uint16_t) { return 1.0f; }
CB2Body *cb2_body_create(CB2World *, CB2BodyType, float, float, float, uintptr_t) { return nullptr; }
void cb2_body_destroy(CB2World *, CB2Body *) {}
int cb2_body_add_polygon(CB2Body *, const float *, int, CB2FixtureOptions) { return 0; }
void cb2_body_add_box(CB2Body *, float, float, CB2FixtureOptions) {}
void cb2_body_add_edge(CB2Body *, float, float, float, float, CB2FixtureOptions) {}
CB2BodyState cb2_body_state(const CB2Body *) { return CB2BodyState{0, 0, 0, 0, 0, 0}; }
int cb2_body_awake(const CB2Body *) { return 0; }
float cb2_body_mass(const CB2Body *) { return 0; }
void cb2_body_apply_force_to_center(CB2Body *, float, float, int) {}
void cb2_body_apply_linear_impulse(CB2Body *, float, float, float, float, int) {}
void cb2_body_apply_torque(CB2Body *, float, int) {}
CB2RevoluteJoint *cb2_revolute_joint_create(CB2World *, CB2Body *, CB2Body *, CB2RevoluteJointOptions) {
  return nullptr;
}
float cb2_revolute_joint_angle(const CB2RevoluteJoint *) { return 0; }
float cb2_revolute_joint_speed(const CB2RevoluteJoint *) { return 0; }
void cb2_revolute_joint_set_motor_speed(CB2RevoluteJoint *, float) {}
void cb2_revolute_joint_set_max_motor_torque(CB2RevoluteJoint *, float) {}

}  // extern "C"

#endif
