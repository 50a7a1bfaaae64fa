// A thin shim over the MuJoCo C library, loaded at run time (see shim.c).
//
// Swift never sees MuJoCo's own headers: this header declares opaque handles and plain C types only, so Rein builds
// whether or not MuJoCo is installed. shim.c compiles against MuJoCo's headers when they are present (.mujoco/include,
// put there by scripts/setup.sh) and finds the shared library with dlopen the first time it is needed.
//
// Every call that runs MuJoCo code is protected: if MuJoCo raises an error (which by default would exit the
// process), the call returns a non-zero status and rein_mj_last_error() tells what happened.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: - Library

/// The MuJoCo version Rein is built for, as mj_version() reports it (major * 1000000 + minor * 1000 + patch).
#define REIN_MJ_EXPECTED_VERSION 4000000

/// The number of warning kinds MuJoCo counts in mjData (mjNWARNING).
#define REIN_MJ_WARNING_KINDS 7

/// Loads the MuJoCo library once per process (later calls return the first result at once).
///
/// When REIN_MUJOCO_DIR is set, searches only $REIN_MUJOCO_DIR/lib and $REIN_MUJOCO_DIR. Otherwise, in order:
/// .mujoco/lib in the package this file was built from, .mujoco/lib in the working directory, .mujoco/lib next to
/// the executable or in one of its parent folders, then the system's default library paths. Returns 0 on success; otherwise non-zero, and rein_mj_load_message() explains why.
int rein_mj_load(void);

/// After rein_mj_load(): on success, the path of the library loaded; on failure, what went wrong and where it looked.
const char *rein_mj_load_message(void);

/// 1 when this build saw MuJoCo's headers (the shim is functional), 0 when it compiled without them.
int rein_mj_built_with_headers(void);

/// The loaded library's version string, such as "4.0.0"; NULL before a successful rein_mj_load().
const char *rein_mj_version_string(void);

/// The last error MuJoCo raised on the calling thread (empty when none).
const char *rein_mj_last_error(void);

/// The last warning text MuJoCo printed on the calling thread (empty when none). MuJoCo prints a warning text only
/// the first time a kind is raised after a reset; the per-kind counters in mjData count every occurrence.
const char *rein_mj_last_warning(void);

// MARK: - Models

/// An mjModel.
typedef struct rein_mj_model rein_mj_model;
/// An mjData.
typedef struct rein_mj_data rein_mj_data;

/// Sizes and read-only arrays of a compiled model (pointers stay valid until the model is freed).
typedef struct rein_mj_model_info {
  int64_t nq;  ///< generalized coordinates
  int64_t nv;  ///< degrees of freedom
  int64_t nu;  ///< controls
  int64_t na;  ///< activation states
  int64_t nbody;
  int64_t njnt;
  int64_t ngeom;
  int64_t nsite;
  int64_t ntendon;
  int64_t ncam;  ///< the model's own cameras
  double timestep;  ///< seconds per mj_step
  const double *qpos0;  ///< nq: the reference configuration
  const double *body_mass;  ///< nbody
  const double *actuator_ctrlrange;  ///< nu x 2
} rein_mj_model_info;

/// Compiles an MJCF model held in `xml` (NUL-terminated). Returns NULL on failure with the compiler's message in
/// `error` (of `error_size` bytes).
rein_mj_model *rein_mj_model_from_xml(const char *xml, char *error, int error_size);

/// Frees a model from rein_mj_model_from_xml (NULL is allowed).
void rein_mj_model_free(rein_mj_model *model);

/// Sizes and arrays of `model`.
rein_mj_model_info rein_mj_model_get_info(const rein_mj_model *model);

/// Object kinds for rein_mj_name_to_id.
typedef enum rein_mj_object {
  REIN_MJ_OBJECT_BODY = 0,
  REIN_MJ_OBJECT_JOINT = 1,
  REIN_MJ_OBJECT_GEOM = 2,
  REIN_MJ_OBJECT_SITE = 3,
  REIN_MJ_OBJECT_ACTUATOR = 4,
  REIN_MJ_OBJECT_CAMERA = 5,
} rein_mj_object;

/// The index of the named object, or -1 when the model has none of that name.
int rein_mj_name_to_id(const rein_mj_model *model, rein_mj_object kind, const char *name);

// MARK: - Simulation data

/// The arrays of an mjData (pointers stay valid until the data is freed).
typedef struct rein_mj_data_arrays {
  double *time;  ///< 1: simulation time in seconds
  double *qpos;  ///< nq
  double *qvel;  ///< nv
  double *act;  ///< na
  double *ctrl;  ///< nu
  double *qacc;  ///< nv
  double *xpos;  ///< nbody x 3: body frame positions
  double *xipos;  ///< nbody x 3: body centre-of-mass positions
  double *site_xpos;  ///< nsite x 3
  double *subtree_com;  ///< nbody x 3
  double *cinert;  ///< nbody x 10: com-based inertia and mass
  double *cvel;  ///< nbody x 6: com-based velocity (rotation, translation)
  double *qfrc_actuator;  ///< nv
  double *qfrc_constraint;  ///< nv
  double *cfrc_ext;  ///< nbody x 6: com-based external forces (computed by the post-constraint pass)
  double *ten_length;  ///< ntendon: tendon lengths
  double *ten_velocity;  ///< ntendon: tendon velocities
} rein_mj_data_arrays;

/// Allocates simulation data for `model`; NULL on failure (see rein_mj_last_error()).
rein_mj_data *rein_mj_data_make(const rein_mj_model *model);

/// Frees data from rein_mj_data_make (NULL is allowed).
void rein_mj_data_free(rein_mj_data *data);

/// The arrays of `data`.
rein_mj_data_arrays rein_mj_data_get_arrays(rein_mj_data *data);

// MARK: - Simulation (each returns 0, or -1 when MuJoCo raised an error: see rein_mj_last_error())

/// mj_resetData: the model's reference state, zero velocities, time 0, warning counters cleared.
int rein_mj_reset(const rein_mj_model *model, rein_mj_data *data);

/// mj_forward: recomputes every derived quantity from the state without advancing time.
int rein_mj_forward(const rein_mj_model *model, rein_mj_data *data);

/// `count` calls of mj_step, then mj_rnePostConstraint when `post_constraint` is non-zero (it computes cacc,
/// cfrc_int and cfrc_ext, which MuJoCo otherwise leaves stale).
int rein_mj_step(const rein_mj_model *model, rein_mj_data *data, int count, int post_constraint);

/// mj_rnePostConstraint alone.
int rein_mj_post_constraint(const rein_mj_model *model, rein_mj_data *data);

// MARK: - Integration state (mj_getState / mj_setState with mjSTATE_INTEGRATION)

/// The number of values in the integration state of `model` (time, qpos, qvel, act, warm start, controls, applied
/// forces, equality flags, mocap, user data, plugin state); -1 when MuJoCo is unavailable.
int64_t rein_mj_integration_state_size(const rein_mj_model *model);

/// Copies the integration state of `data` into `state` (rein_mj_integration_state_size values).
int rein_mj_get_integration_state(const rein_mj_model *model, const rein_mj_data *data, double *state);

/// Sets the integration state of `data` from `state`; derived quantities are left as they were.
int rein_mj_set_integration_state(const rein_mj_model *model, rein_mj_data *data, const double *state);

// MARK: - Warnings

/// Copies the number of times each warning kind was raised since the last reset into `counts`
/// (REIN_MJ_WARNING_KINDS values, in mjtWarning order: inertia, contact list full, constraint list full, bad qpos,
/// bad qvel, bad qacc, bad ctrl).
void rein_mj_warning_counts(const rein_mj_data *data, int32_t *counts);

/// The sum of the warning counters since the last reset (cheap enough to check after every step).
int64_t rein_mj_warning_total(const rein_mj_data *data);

/// Copies the warning counters into `counts` as rein_mj_warning_counts does, then sets them to zero, so that the
/// next call sees only what was raised in between. (The counters are statistics only: clearing them changes
/// nothing in the simulation, except that MuJoCo prints a warning text again the next time its kind is raised.)
/// Returns the sum of the counts taken.
int64_t rein_mj_warning_take(rein_mj_data *data, int32_t *counts);

// MARK: - Rendering (render.c)

/// An offscreen renderer: a headless OpenGL context (EGL, loaded at run time) with MuJoCo's scene and render
/// context, drawing one model's data at a fixed size.
typedef struct rein_mj_renderer rein_mj_renderer;

/// The camera of a renderer, as MuJoCo's mjvCamera: `type` 0 free, 1 tracking (`track_body`), 2 fixed
/// (`fixed_camera`). For a free camera, `lookat` is used when `set_lookat` is 1 and otherwise placed at the median
/// of the geoms' positions; `distance` <= 0 means the model's extent.
typedef struct rein_mj_camera {
  int type;
  int track_body;
  int fixed_camera;
  int set_lookat;
  double lookat[3];
  double distance;
  double azimuth;
  double elevation;
} rein_mj_camera;

/// The slots of rein_mj_scene_options' `visual_flags` (more than MuJoCo's mjNVISFLAG).
#define REIN_MJ_VISUAL_FLAG_SLOTS 64

/// What a renderer's scene holds besides the camera, as Gymnasium's MujocoRenderer takes it: `max_geom`, the
/// scene's capacity in geoms (Gymnasium's default 1000), and `visual_options`, mjvOption's flags
/// (`visual_flags[i]`: -1 keeps flag i's default, 0 clears it, 1 sets it; only the first mjNVISFLAG are used).
typedef struct rein_mj_scene_options {
  int max_geom;
  signed char visual_flags[REIN_MJ_VISUAL_FLAG_SLOTS];
} rein_mj_scene_options;

/// MuJoCo's number of visual flags (mjNVISFLAG), or 0 when Rein was built without MuJoCo's headers.
int rein_mj_visual_flag_count(void);

/// Makes a renderer of `width` x `height` pixels for `model`, placing the camera with `data`'s current state.
/// Returns NULL with the reason in `error` (of `error_size` bytes) when no headless OpenGL context can be made.
rein_mj_renderer *rein_mj_renderer_make(
  const rein_mj_model *model, rein_mj_data *data, int width, int height, rein_mj_camera camera,
  rein_mj_scene_options options, char *error, int error_size);

/// Draws `data` and writes width x height x 3 RGB bytes into `rgb`, rows from the top. Returns 0, or -1 with
/// rein_mj_last_error() telling why.
int rein_mj_renderer_draw(rein_mj_renderer *renderer, rein_mj_data *data, uint8_t *rgb);

/// Frees a renderer (NULL is allowed).
void rein_mj_renderer_free(rein_mj_renderer *renderer);

#ifdef __cplusplus
}
#endif
