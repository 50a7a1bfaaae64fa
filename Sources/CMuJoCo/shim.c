// The MuJoCo shim: finds libmujoco at run time with dlopen, resolves the few functions Rein uses, and wraps each
// call so that a MuJoCo error returns a status instead of ending the process.
//
// The shim is compiled against MuJoCo's headers only when they are present (scripts/setup.sh puts them into
// .mujoco/include); otherwise every entry point reports that MuJoCo is unavailable, and the rest of Rein still builds.

#include "CMuJoCo.h"

#include <stdio.h>
#include <string.h>

#if __has_include(<mujoco/mujoco.h>)
#define REIN_HAVE_MUJOCO_HEADERS 1
#else
#define REIN_HAVE_MUJOCO_HEADERS 0
#endif

// MARK: - Without headers

#if !REIN_HAVE_MUJOCO_HEADERS

static const char *const rein_no_headers =
    "Rein was built without MuJoCo's headers (.mujoco/include/mujoco/mujoco.h was missing at build time). "
    "Run ./scripts/setup.sh to fetch MuJoCo 4.0.0 into .mujoco/, then rebuild (if the build does not pick it up, "
    "touch Sources/CMuJoCo/shim.c); or set REIN_MUJOCO_DIR to a folder holding MuJoCo 4.0.0's lib/ and include/.";

int rein_mj_load(void) { return -1; }
const char *rein_mj_load_message(void) { return rein_no_headers; }
int rein_mj_built_with_headers(void) { return 0; }
const char *rein_mj_version_string(void) { return NULL; }
const char *rein_mj_last_error(void) { return rein_no_headers; }
const char *rein_mj_last_warning(void) { return ""; }
rein_mj_model *rein_mj_model_from_xml(const char *xml, char *error, int error_size) {
  (void)xml;
  if (error && error_size > 0) snprintf(error, (size_t)error_size, "%s", rein_no_headers);
  return NULL;
}
void rein_mj_model_free(rein_mj_model *model) { (void)model; }
rein_mj_model_info rein_mj_model_get_info(const rein_mj_model *model) {
  (void)model;
  rein_mj_model_info info;
  memset(&info, 0, sizeof info);
  return info;
}
int rein_mj_name_to_id(const rein_mj_model *model, rein_mj_object kind, const char *name) {
  (void)model, (void)kind, (void)name;
  return -1;
}
rein_mj_data *rein_mj_data_make(const rein_mj_model *model) {
  (void)model;
  return NULL;
}
void rein_mj_data_free(rein_mj_data *data) { (void)data; }
rein_mj_data_arrays rein_mj_data_get_arrays(rein_mj_data *data) {
  (void)data;
  rein_mj_data_arrays arrays;
  memset(&arrays, 0, sizeof arrays);
  return arrays;
}
int rein_mj_reset(const rein_mj_model *model, rein_mj_data *data) { return (void)model, (void)data, -1; }
int rein_mj_forward(const rein_mj_model *model, rein_mj_data *data) { return (void)model, (void)data, -1; }
int rein_mj_step(const rein_mj_model *model, rein_mj_data *data, int count, int post_constraint) {
  return (void)model, (void)data, (void)count, (void)post_constraint, -1;
}
int rein_mj_post_constraint(const rein_mj_model *model, rein_mj_data *data) { return (void)model, (void)data, -1; }
int64_t rein_mj_integration_state_size(const rein_mj_model *model) { return (void)model, -1; }
int rein_mj_get_integration_state(const rein_mj_model *model, const rein_mj_data *data, double *state) {
  return (void)model, (void)data, (void)state, -1;
}
int rein_mj_set_integration_state(const rein_mj_model *model, rein_mj_data *data, const double *state) {
  return (void)model, (void)data, (void)state, -1;
}
void rein_mj_warning_counts(const rein_mj_data *data, int32_t *counts) {
  (void)data;
  memset(counts, 0, sizeof(int32_t) * REIN_MJ_WARNING_KINDS);
}
int64_t rein_mj_warning_total(const rein_mj_data *data) { return (void)data, 0; }
int64_t rein_mj_warning_take(rein_mj_data *data, int32_t *counts) {
  rein_mj_warning_counts(data, counts);
  return 0;
}

#else

// MARK: - With headers

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdlib.h>
#include <unistd.h>

#include <mujoco/mujoco.h>

#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

_Static_assert(sizeof(mjtNum) == sizeof(double), "Rein needs MuJoCo built with double precision (mjtNum = double)");
_Static_assert(mjNWARNING == REIN_MJ_WARNING_KINDS, "REIN_MJ_WARNING_KINDS must equal mjNWARNING");
_Static_assert(mjVERSION_HEADER == REIN_MJ_EXPECTED_VERSION, "the headers in .mujoco/include are not MuJoCo 4.0.0");

// MARK: Function table

#define REIN_MJ_FUNCTIONS(X) \
  X(mj_version)              \
  X(mj_versionString)        \
  X(mj_defaultVFS)           \
  X(mj_addBufferVFS)         \
  X(mj_deleteVFS)            \
  X(mj_loadXML)              \
  X(mj_deleteModel)          \
  X(mj_makeData)             \
  X(mj_deleteData)           \
  X(mj_resetData)            \
  X(mj_forward)              \
  X(mj_step)                 \
  X(mj_rnePostConstraint)    \
  X(mj_name2id)              \
  X(mj_stateSize)            \
  X(mj_getState)             \
  X(mj_setState)

static struct {
#define REIN_DECLARE(name) __typeof__(&name) name;
  REIN_MJ_FUNCTIONS(REIN_DECLARE)
#undef REIN_DECLARE
} mj;

// MARK: Loading

static pthread_once_t rein_load_once = PTHREAD_ONCE_INIT;
static int rein_load_status = -1;
static char rein_load_text[4096];
static char rein_version_text[64];

static const char *const rein_library_names[] = {
#if defined(__APPLE__)
    "libmujoco.4.0.0.dylib",
    "libmujoco.dylib",
#else
    "libmujoco.so.4.0.0",
    "libmujoco.so",
#endif
};
enum { rein_library_name_count = sizeof rein_library_names / sizeof rein_library_names[0] };

/// Appends to the load message, keeping it NUL-terminated.
static void rein_note(const char *format, const char *value) {
  size_t used = strlen(rein_load_text);
  if (used + 1 >= sizeof rein_load_text) return;
  snprintf(rein_load_text + used, sizeof rein_load_text - used, format, value);
}

/// Tries every library name in `folder`; returns the handle or NULL.
static void *rein_open_in(const char *folder) {
  char path[PATH_MAX];
  for (int i = 0; i < rein_library_name_count; i++) {
    if (snprintf(path, sizeof path, "%s/%s", folder, rein_library_names[i]) >= (int)sizeof path) continue;
    if (access(path, F_OK) != 0) continue;
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle) {
      snprintf(rein_load_text, sizeof rein_load_text, "%s", path);
      return handle;
    }
    rein_note("  %s exists but could not be opened: ", path);
    rein_note("%s\n", dlerror());
  }
  rein_note("  %s\n", folder);
  return NULL;
}

/// The folder holding the running executable, or "" when unknown.
static void rein_executable_folder(char *folder, size_t size) {
  folder[0] = 0;
#if defined(__APPLE__)
  uint32_t length = (uint32_t)size;
  if (_NSGetExecutablePath(folder, &length) != 0) folder[0] = 0;
#else
  ssize_t length = readlink("/proc/self/exe", folder, size - 1);
  folder[length > 0 ? length : 0] = 0;
#endif
  char *slash = strrchr(folder, '/');
  if (slash) *slash = 0;
}

static void *rein_find_library(void) {
  char folder[PATH_MAX];
  void *handle = NULL;
  rein_load_text[0] = 0;

  // 1. The user's own MuJoCo: when REIN_MUJOCO_DIR is set, it is the only place searched.
  const char *custom = getenv("REIN_MUJOCO_DIR");
  if (custom && *custom) {
    snprintf(folder, sizeof folder, "%s/lib", custom);
    if ((handle = rein_open_in(folder))) return handle;
    if ((handle = rein_open_in(custom))) return handle;
    rein_note("(REIN_MUJOCO_DIR is set, so nothing else was searched)\n", "");
    return NULL;
  }

  // 2. .mujoco/lib of the package this file was compiled in (__FILE__ is .../Sources/CMuJoCo/shim.c).
  snprintf(folder, sizeof folder, "%s", __FILE__);
  for (int up = 0; up < 3; up++) {
    char *slash = strrchr(folder, '/');
    if (slash) *slash = 0;
  }
  if (folder[0] == '/') {
    strncat(folder, "/.mujoco/lib", sizeof folder - strlen(folder) - 1);
    if ((handle = rein_open_in(folder))) return handle;
  }

  // 3. .mujoco/lib in the working directory.
  if (getcwd(folder, sizeof folder)) {
    strncat(folder, "/.mujoco/lib", sizeof folder - strlen(folder) - 1);
    if ((handle = rein_open_in(folder))) return handle;
  }

  // 4. .mujoco/lib next to the executable or in one of its parent folders (such as the package of .build/release).
  char executable[PATH_MAX];
  rein_executable_folder(executable, sizeof executable);
  for (int up = 0; up < 5 && executable[0] == '/'; up++) {
    snprintf(folder, sizeof folder, "%s/.mujoco/lib", executable);
    if ((handle = rein_open_in(folder))) return handle;
    char *slash = strrchr(executable, '/');
    if (!slash || slash == executable) break;
    *slash = 0;
  }

  // 5. The system's default paths.
  for (int i = 0; i < rein_library_name_count; i++) {
    if ((handle = dlopen(rein_library_names[i], RTLD_NOW | RTLD_LOCAL))) {
      snprintf(rein_load_text, sizeof rein_load_text, "%s (system library path)", rein_library_names[i]);
      return handle;
    }
  }
  rein_note("  the system's default library paths (%s)\n", rein_library_names[0]);
  return NULL;
}

static void rein_error_handler(const char *message);
static void rein_warning_handler(const char *message);

/// The loaded library, for the renderer (render.c), which resolves its own functions.
static void *rein_library_handle;

static void rein_load_library(void) {
  void *handle = rein_find_library();
  if (!handle) {
    char searched[sizeof rein_load_text];
    snprintf(searched, sizeof searched, "%s", rein_load_text);
    snprintf(
        rein_load_text, sizeof rein_load_text,
        "MuJoCo 4.0.0 was not found. Install it with ./scripts/setup.sh (downloads the official build into "
        ".mujoco/), or set REIN_MUJOCO_DIR to a folder holding MuJoCo 4.0.0's lib/ and include/. Searched:\n%s",
        searched);
    return;
  }
  char path[sizeof rein_load_text];
  snprintf(path, sizeof path, "%s", rein_load_text);
  rein_library_handle = handle;

#define REIN_RESOLVE(name)                                                                                  \
  mj.name = (__typeof__(mj.name))dlsym(handle, #name);                                                   \
  if (!mj.name) {                                                                                         \
    snprintf(rein_load_text, sizeof rein_load_text, "%s lacks the function " #name "; it is not MuJoCo 4.0.0. " \
             "Run ./scripts/setup.sh, or point REIN_MUJOCO_DIR at MuJoCo 4.0.0.", path);                 \
    return;                                                                                               \
  }
  REIN_MJ_FUNCTIONS(REIN_RESOLVE)
#undef REIN_RESOLVE

  int version = mj.mj_version();
  if (version != mjVERSION_HEADER) {
    snprintf(
        rein_load_text, sizeof rein_load_text,
        "%s is MuJoCo %s (version %d) but Rein is built for %d (the headers in .mujoco/include); its data layout "
        "differs. Run ./scripts/setup.sh, or point REIN_MUJOCO_DIR at MuJoCo 4.0.0.",
        path, mj.mj_versionString(), version, mjVERSION_HEADER);
    return;
  }
  snprintf(rein_version_text, sizeof rein_version_text, "%s", mj.mj_versionString());

  // MuJoCo's default error handler prints and exits the process; the default warning handler prints to stdout and
  // appends to MUJOCO_LOG.TXT in the working directory. Replace both.
  void (**user_error)(const char *) = (void (**)(const char *))dlsym(handle, "mju_user_error");
  void (**user_warning)(const char *) = (void (**)(const char *))dlsym(handle, "mju_user_warning");
  if (!user_error || !user_warning) {
    snprintf(rein_load_text, sizeof rein_load_text, "%s lacks mju_user_error or mju_user_warning.", path);
    return;
  }
  *user_error = rein_error_handler;
  *user_warning = rein_warning_handler;
  rein_load_status = 0;
}

int rein_mj_load(void) {
  pthread_once(&rein_load_once, rein_load_library);
  return rein_load_status;
}

const char *rein_mj_load_message(void) {
  rein_mj_load();
  return rein_load_text;
}

int rein_mj_built_with_headers(void) { return 1; }

const char *rein_mj_version_string(void) { return rein_mj_load() == 0 ? rein_version_text : NULL; }

// MARK: Errors and warnings

static _Thread_local sigjmp_buf *rein_jump_target;
static _Thread_local char rein_error_text[1024];
static _Thread_local char rein_warning_text[1024];

static void rein_error_handler(const char *message) {
  snprintf(rein_error_text, sizeof rein_error_text, "%s", message);
  if (rein_jump_target) siglongjmp(*rein_jump_target, 1);
  // Not inside a protected call: returning would let MuJoCo carry on in an undefined state.
  fprintf(stderr, "MuJoCo error outside a protected call: %s\n", message);
  abort();
}

static void rein_warning_handler(const char *message) {
  snprintf(rein_warning_text, sizeof rein_warning_text, "%s", message);
}

const char *rein_mj_last_error(void) { return rein_error_text; }
const char *rein_mj_last_warning(void) { return rein_warning_text; }

/// Runs `body` so that a MuJoCo error jumps back here; evaluates to 0, or -1 after an error.
#define REIN_PROTECTED(body)                         \
  do {                                               \
    sigjmp_buf jump;                                 \
    sigjmp_buf *outer = rein_jump_target;            \
    if (sigsetjmp(jump, 0) != 0) {                   \
      rein_jump_target = outer;                      \
      return -1;                                     \
    }                                                \
    rein_jump_target = &jump;                        \
    body;                                            \
    rein_jump_target = outer;                        \
  } while (0)

// MARK: Models

static pthread_mutex_t rein_compile_lock = PTHREAD_MUTEX_INITIALIZER;

rein_mj_model *rein_mj_model_from_xml(const char *xml, char *error, int error_size) {
  if (rein_mj_load() != 0) {
    if (error && error_size > 0) snprintf(error, (size_t)error_size, "%s", rein_load_text);
    return NULL;
  }
  if (error && error_size > 0) error[0] = 0;
  pthread_mutex_lock(&rein_compile_lock);
  mjVFS vfs;
  mj.mj_defaultVFS(&vfs);
  mjModel *model = NULL;
  static const char name[] = "rein-model.xml";
  if (mj.mj_addBufferVFS(&vfs, name, xml, (int)strlen(xml)) == 0) {
    model = mj.mj_loadXML(name, &vfs, error, error_size);
  } else if (error && error_size > 0) {
    snprintf(error, (size_t)error_size, "could not hand the model text to MuJoCo's virtual file system");
  }
  mj.mj_deleteVFS(&vfs);
  pthread_mutex_unlock(&rein_compile_lock);
  return (rein_mj_model *)model;
}

void rein_mj_model_free(rein_mj_model *model) {
  if (model) mj.mj_deleteModel((mjModel *)model);
}

rein_mj_model_info rein_mj_model_get_info(const rein_mj_model *handle) {
  const mjModel *m = (const mjModel *)handle;
  rein_mj_model_info info = {
      .nq = m->nq,
      .nv = m->nv,
      .nu = m->nu,
      .na = m->na,
      .nbody = m->nbody,
      .njnt = m->njnt,
      .ngeom = m->ngeom,
      .ncam = m->ncam,
      .nsite = m->nsite,
      .ntendon = m->ntendon,
      .timestep = m->opt.timestep,
      .qpos0 = m->qpos0,
      .body_mass = m->body_mass,
      .actuator_ctrlrange = m->actuator_ctrlrange,
  };
  return info;
}

int rein_mj_name_to_id(const rein_mj_model *model, rein_mj_object kind, const char *name) {
  int type;
  switch (kind) {
    case REIN_MJ_OBJECT_BODY: type = mjOBJ_BODY; break;
    case REIN_MJ_OBJECT_JOINT: type = mjOBJ_JOINT; break;
    case REIN_MJ_OBJECT_GEOM: type = mjOBJ_GEOM; break;
    case REIN_MJ_OBJECT_SITE: type = mjOBJ_SITE; break;
    case REIN_MJ_OBJECT_ACTUATOR: type = mjOBJ_ACTUATOR; break;
    case REIN_MJ_OBJECT_CAMERA: type = mjOBJ_CAMERA; break;
    default: return -1;
  }
  return mj.mj_name2id((const mjModel *)model, type, name);
}

// MARK: Simulation data

static rein_mj_data *rein_make_data(const rein_mj_model *model) {
  mjData *data = NULL;
  sigjmp_buf jump;
  sigjmp_buf *outer = rein_jump_target;
  if (sigsetjmp(jump, 0) != 0) {
    rein_jump_target = outer;
    return NULL;
  }
  rein_jump_target = &jump;
  data = mj.mj_makeData((const mjModel *)model);
  rein_jump_target = outer;
  return (rein_mj_data *)data;
}

rein_mj_data *rein_mj_data_make(const rein_mj_model *model) {
  if (rein_mj_load() != 0) return NULL;
  return rein_make_data(model);
}

void rein_mj_data_free(rein_mj_data *data) {
  if (data) mj.mj_deleteData((mjData *)data);
}

rein_mj_data_arrays rein_mj_data_get_arrays(rein_mj_data *handle) {
  mjData *d = (mjData *)handle;
  rein_mj_data_arrays arrays = {
      .time = &d->time,
      .qpos = d->qpos,
      .qvel = d->qvel,
      .act = d->act,
      .ctrl = d->ctrl,
      .qacc = d->qacc,
      .xpos = d->xpos,
      .xipos = d->xipos,
      .site_xpos = d->site_xpos,
      .subtree_com = d->subtree_com,
      .cinert = d->cinert,
      .cvel = d->cvel,
      .qfrc_actuator = d->qfrc_actuator,
      .qfrc_constraint = d->qfrc_constraint,
      .cfrc_ext = d->cfrc_ext,
      .ten_length = d->ten_length,
      .ten_velocity = d->ten_velocity,
  };
  return arrays;
}

// MARK: Simulation

int rein_mj_reset(const rein_mj_model *model, rein_mj_data *data) {
  REIN_PROTECTED(mj.mj_resetData((const mjModel *)model, (mjData *)data));
  return 0;
}

int rein_mj_forward(const rein_mj_model *model, rein_mj_data *data) {
  REIN_PROTECTED(mj.mj_forward((const mjModel *)model, (mjData *)data));
  return 0;
}

int rein_mj_step(const rein_mj_model *model, rein_mj_data *data, int count, int post_constraint) {
  const mjModel *m = (const mjModel *)model;
  mjData *d = (mjData *)data;
  REIN_PROTECTED({
    for (int i = 0; i < count; i++) mj.mj_step(m, d);
    if (post_constraint) mj.mj_rnePostConstraint(m, d);
  });
  return 0;
}

int rein_mj_post_constraint(const rein_mj_model *model, rein_mj_data *data) {
  REIN_PROTECTED(mj.mj_rnePostConstraint((const mjModel *)model, (mjData *)data));
  return 0;
}

// MARK: Integration state

int64_t rein_mj_integration_state_size(const rein_mj_model *model) {
  if (rein_mj_load() != 0) return -1;
  return mj.mj_stateSize((const mjModel *)model, mjSTATE_INTEGRATION);
}

int rein_mj_get_integration_state(const rein_mj_model *model, const rein_mj_data *data, double *state) {
  REIN_PROTECTED(mj.mj_getState((const mjModel *)model, (const mjData *)data, state, mjSTATE_INTEGRATION));
  return 0;
}

int rein_mj_set_integration_state(const rein_mj_model *model, rein_mj_data *data, const double *state) {
  REIN_PROTECTED(mj.mj_setState((const mjModel *)model, (mjData *)data, state, mjSTATE_INTEGRATION));
  return 0;
}

// MARK: Warnings

void rein_mj_warning_counts(const rein_mj_data *data, int32_t *counts) {
  const mjData *d = (const mjData *)data;
  for (int i = 0; i < mjNWARNING; i++) counts[i] = d->warning[i].number;
}

int64_t rein_mj_warning_total(const rein_mj_data *data) {
  const mjData *d = (const mjData *)data;
  int64_t total = 0;
  for (int i = 0; i < mjNWARNING; i++) total += d->warning[i].number;
  return total;
}

int64_t rein_mj_warning_take(rein_mj_data *data, int32_t *counts) {
  mjData *d = (mjData *)data;
  int64_t total = 0;
  for (int i = 0; i < mjNWARNING; i++) {
    counts[i] = d->warning[i].number;
    total += d->warning[i].number;
    d->warning[i].number = 0;
  }
  return total;
}

// MARK: Helpers for render.c

void *rein_mj_symbol(const char *name) {
  if (rein_mj_load() != 0 || !rein_library_handle) return NULL;
  return dlsym(rein_library_handle, name);
}

int rein_mj_protected(void (*body)(void *), void *context) {
  REIN_PROTECTED(body(context));
  return 0;
}

#endif
