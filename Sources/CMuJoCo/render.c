// MuJoCo's offscreen renderer (mjr_*) in a headless OpenGL context made with EGL.
//
// Both libEGL and MuJoCo's rendering functions are found at run time (dlopen / dlsym), like MuJoCo itself, so Rein
// builds and runs without them; making a renderer then fails with a message that says what is missing and how to
// get it. EGL picks a device (a GPU, or Mesa's llvmpipe software rasteriser) through EGL_EXT_platform_device, or
// falls back to Mesa's surfaceless platform and then the default display. The context has no window surface:
// MuJoCo draws into its own offscreen framebuffer, which mjr_readPixels reads back.

#include "CMuJoCo.h"

#include <stdio.h>
#include <string.h>

#if !__has_include(<mujoco/mujoco.h>)

int rein_mj_visual_flag_count(void) { return 0; }
rein_mj_renderer *rein_mj_renderer_make(
    const rein_mj_model *model, rein_mj_data *data, int width, int height, rein_mj_camera camera,
    rein_mj_scene_options options, char *error, int error_size) {
  (void)model, (void)data, (void)width, (void)height, (void)camera, (void)options;
  if (error && error_size > 0)
    snprintf(error, (size_t)error_size, "Rein was built without MuJoCo's headers; run ./scripts/setup.sh and rebuild.");
  return NULL;
}
int rein_mj_renderer_draw(rein_mj_renderer *renderer, rein_mj_data *data, uint8_t *rgb) {
  return (void)renderer, (void)data, (void)rgb, -1;
}
void rein_mj_renderer_free(rein_mj_renderer *renderer) { (void)renderer; }

#else

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include <mujoco/mujoco.h>

#include "internal.h"

// MARK: - EGL, declared here (its headers are not needed to build)

typedef void *EGLDisplay;
typedef void *EGLConfig;
typedef void *EGLContext;
typedef void *EGLSurface;
typedef void *EGLDeviceEXT;
typedef int32_t EGLint;
typedef unsigned int EGLBoolean;
typedef unsigned int EGLenum;

enum {
  REIN_EGL_SUCCESS = 0x3000,
  REIN_EGL_ALPHA_SIZE = 0x3021,
  REIN_EGL_BLUE_SIZE = 0x3022,
  REIN_EGL_GREEN_SIZE = 0x3023,
  REIN_EGL_RED_SIZE = 0x3024,
  REIN_EGL_DEPTH_SIZE = 0x3025,
  REIN_EGL_STENCIL_SIZE = 0x3026,
  REIN_EGL_SURFACE_TYPE = 0x3033,
  REIN_EGL_NONE = 0x3038,
  REIN_EGL_COLOR_BUFFER_TYPE = 0x303F,
  REIN_EGL_RENDERABLE_TYPE = 0x3040,
  REIN_EGL_RGB_BUFFER = 0x308E,
  REIN_EGL_OPENGL_API = 0x30A2,
  REIN_EGL_PBUFFER_BIT = 0x0001,
  REIN_EGL_OPENGL_BIT = 0x0008,
  REIN_EGL_PLATFORM_DEVICE_EXT = 0x313F,
  REIN_EGL_PLATFORM_SURFACELESS_MESA = 0x31DD,
};

static struct {
  void *(*eglGetProcAddress)(const char *);
  EGLDisplay (*eglGetDisplay)(void *);
  EGLBoolean (*eglInitialize)(EGLDisplay, EGLint *, EGLint *);
  EGLBoolean (*eglChooseConfig)(EGLDisplay, const EGLint *, EGLConfig *, EGLint, EGLint *);
  EGLBoolean (*eglBindAPI)(EGLenum);
  EGLContext (*eglCreateContext)(EGLDisplay, EGLConfig, EGLContext, const EGLint *);
  EGLBoolean (*eglMakeCurrent)(EGLDisplay, EGLSurface, EGLSurface, EGLContext);
  EGLBoolean (*eglDestroyContext)(EGLDisplay, EGLContext);
  EGLint (*eglGetError)(void);
  EGLBoolean (*eglQueryDevicesEXT)(EGLint, EGLDeviceEXT *, EGLint *);
  EGLDisplay (*eglGetPlatformDisplayEXT)(EGLenum, void *, const EGLint *);
} egl;

static pthread_once_t rein_egl_once = PTHREAD_ONCE_INIT;
static EGLDisplay rein_egl_display;
static EGLConfig rein_egl_config;
static char rein_egl_error[1024];

static const char *const rein_egl_help =
    "Rendering MuJoCo environments needs a headless OpenGL context from EGL (Mesa's software renderer is enough). "
    "On Debian/Ubuntu: `sudo apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri libopengl0` (or run "
    "./scripts/setup.sh); with an NVIDIA GPU its driver's libEGL works too. The classic-control and Box2D "
    "environments render without it.";

/// Opens libEGL and a display, and chooses an RGBA8 + depth config for desktop OpenGL; sets rein_egl_error on failure.
static void rein_egl_setup(void) {
  // REIN_EGL_LIBRARY names another libEGL (tests point it at nothing to see the error a machine without EGL gives).
  const char *custom = getenv("REIN_EGL_LIBRARY");
  void *library = NULL;
  if (custom && *custom) {
    library = dlopen(custom, RTLD_NOW | RTLD_LOCAL);
  } else {
    library = dlopen("libEGL.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!library) library = dlopen("libEGL.so", RTLD_NOW | RTLD_LOCAL);
  }
  if (!library) {
    const char *name = custom && *custom ? custom : "libEGL.so.1";
    snprintf(rein_egl_error, sizeof rein_egl_error, "%s was not found (%s). %s", name, dlerror(), rein_egl_help);
    return;
  }
#define REIN_EGL(name)                                                                                  \
  egl.name = (__typeof__(egl.name))dlsym(library, #name);                                             \
  if (!egl.name) {                                                                                      \
    snprintf(rein_egl_error, sizeof rein_egl_error, "libEGL.so.1 lacks " #name ". %s", rein_egl_help); \
    return;                                                                                             \
  }
  REIN_EGL(eglGetProcAddress)
  REIN_EGL(eglGetDisplay)
  REIN_EGL(eglInitialize)
  REIN_EGL(eglChooseConfig)
  REIN_EGL(eglBindAPI)
  REIN_EGL(eglCreateContext)
  REIN_EGL(eglMakeCurrent)
  REIN_EGL(eglDestroyContext)
  REIN_EGL(eglGetError)
#undef REIN_EGL
  egl.eglQueryDevicesEXT = (__typeof__(egl.eglQueryDevicesEXT))egl.eglGetProcAddress("eglQueryDevicesEXT");
  egl.eglGetPlatformDisplayEXT =
      (__typeof__(egl.eglGetPlatformDisplayEXT))egl.eglGetProcAddress("eglGetPlatformDisplayEXT");

  static const EGLint attributes[] = {
      REIN_EGL_RED_SIZE, 8, REIN_EGL_GREEN_SIZE, 8, REIN_EGL_BLUE_SIZE, 8, REIN_EGL_ALPHA_SIZE, 8,
      REIN_EGL_DEPTH_SIZE, 24, REIN_EGL_STENCIL_SIZE, 8, REIN_EGL_COLOR_BUFFER_TYPE, REIN_EGL_RGB_BUFFER,
      REIN_EGL_SURFACE_TYPE, REIN_EGL_PBUFFER_BIT, REIN_EGL_RENDERABLE_TYPE, REIN_EGL_OPENGL_BIT, REIN_EGL_NONE};

  // Candidate displays: each EGL device, Mesa's surfaceless platform, the default display.
  EGLDisplay candidates[20];
  int count = 0;
  if (egl.eglQueryDevicesEXT && egl.eglGetPlatformDisplayEXT) {
    EGLDeviceEXT devices[16];
    EGLint found = 0;
    if (egl.eglQueryDevicesEXT(16, devices, &found)) {
      for (EGLint i = 0; i < found && count < 16; i++) {
        EGLDisplay display = egl.eglGetPlatformDisplayEXT(REIN_EGL_PLATFORM_DEVICE_EXT, devices[i], NULL);
        if (display) candidates[count++] = display;
      }
    }
  }
  if (egl.eglGetPlatformDisplayEXT) {
    EGLDisplay display = egl.eglGetPlatformDisplayEXT(REIN_EGL_PLATFORM_SURFACELESS_MESA, NULL, NULL);
    if (display) candidates[count++] = display;
  }
  EGLDisplay fallback = egl.eglGetDisplay(NULL);
  if (fallback) candidates[count++] = fallback;

  for (int i = 0; i < count; i++) {
    EGLint major = 0, minor = 0, configs = 0;
    if (!egl.eglInitialize(candidates[i], &major, &minor)) continue;
    EGLConfig config = NULL;
    if (!egl.eglChooseConfig(candidates[i], attributes, &config, 1, &configs) || configs < 1) continue;
    rein_egl_display = candidates[i];
    rein_egl_config = config;
    return;
  }
  snprintf(
      rein_egl_error, sizeof rein_egl_error,
      "EGL found no display with an OpenGL configuration (tried %d; last EGL error 0x%x). %s", count,
      (unsigned)egl.eglGetError(), rein_egl_help);
}

// MARK: - MuJoCo's rendering functions

#define REIN_MJR_FUNCTIONS(X) \
  X(mjv_defaultCamera)        \
  X(mjv_defaultOption)        \
  X(mjv_defaultPerturb)       \
  X(mjv_defaultScene)         \
  X(mjv_makeScene)            \
  X(mjv_freeScene)            \
  X(mjv_updateScene)          \
  X(mjr_defaultContext)       \
  X(mjr_makeContext)          \
  X(mjr_freeContext)          \
  X(mjr_setBuffer)            \
  X(mjr_resizeOffscreen)      \
  X(mjr_render)               \
  X(mjr_readPixels)

static struct {
#define REIN_DECLARE(name) __typeof__(&name) name;
  REIN_MJR_FUNCTIONS(REIN_DECLARE)
#undef REIN_DECLARE
} mjr;

static pthread_once_t rein_mjr_once = PTHREAD_ONCE_INIT;
static char rein_mjr_error[512];

static void rein_mjr_resolve(void) {
#define REIN_RESOLVE(name)                                                                                \
  mjr.name = (__typeof__(mjr.name))rein_mj_symbol(#name);                                               \
  if (!mjr.name) {                                                                                        \
    snprintf(rein_mjr_error, sizeof rein_mjr_error, "MuJoCo's library lacks " #name " (or failed to load: %s)", \
             rein_mj_load_message());                                                                     \
    return;                                                                                               \
  }
  REIN_MJR_FUNCTIONS(REIN_RESOLVE)
#undef REIN_RESOLVE
}

// MARK: - Renderers

struct rein_mj_renderer {
  const mjModel *model;
  EGLContext context;
  mjvScene scene;
  mjvCamera camera;
  mjvOption option;
  mjvPerturb perturb;
  mjrContext render_context;
  int width, height;
  uint8_t *buffer;
  int has_scene, has_context;
};

/// Serialises context creation and drawing: MuJoCo's GL loader and Mesa are happier with one thread at a time, and
/// rendering is rare next to simulation.
static pthread_mutex_t rein_render_lock = PTHREAD_MUTEX_INITIALIZER;

static int rein_make_current(rein_mj_renderer *renderer) {
  return egl.eglMakeCurrent(rein_egl_display, NULL, NULL, renderer->context) ? 0 : -1;
}

static void rein_release_current(void) { egl.eglMakeCurrent(rein_egl_display, NULL, NULL, NULL); }

static void rein_make_context_body(void *context) {
  rein_mj_renderer *renderer = context;
  mjr.mjr_makeContext(renderer->model, &renderer->render_context, mjFONTSCALE_150);
  renderer->has_context = 1;
  mjr.mjr_setBuffer(mjFB_OFFSCREEN, &renderer->render_context);
  if (renderer->render_context.offWidth != renderer->width ||
      renderer->render_context.offHeight != renderer->height) {
    mjr.mjr_resizeOffscreen(renderer->width, renderer->height, &renderer->render_context);
  }
}

void rein_mj_renderer_free(rein_mj_renderer *renderer) {
  if (!renderer) return;
  pthread_mutex_lock(&rein_render_lock);
  if (renderer->context && rein_make_current(renderer) == 0) {
    if (renderer->has_context) mjr.mjr_freeContext(&renderer->render_context);
    rein_release_current();
  }
  if (renderer->has_scene) mjr.mjv_freeScene(&renderer->scene);
  if (renderer->context) egl.eglDestroyContext(rein_egl_display, renderer->context);
  pthread_mutex_unlock(&rein_render_lock);
  free(renderer->buffer);
  free(renderer);
}

static int rein_compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int rein_mj_visual_flag_count(void) { return mjNVISFLAG; }

rein_mj_renderer *rein_mj_renderer_make(
    const rein_mj_model *model, rein_mj_data *data, int width, int height, rein_mj_camera camera,
    rein_mj_scene_options options, char *error, int error_size) {
  if (error && error_size > 0) error[0] = 0;
#define REIN_FAIL(...)                                                      \
  do {                                                                      \
    if (error && error_size > 0) snprintf(error, (size_t)error_size, __VA_ARGS__); \
    rein_mj_renderer_free(renderer);                                        \
    return NULL;                                                            \
  } while (0)
  rein_mj_renderer *renderer = NULL;
  if (width <= 0 || height <= 0 || width > 8192 || height > 8192) {
    REIN_FAIL("the picture size must be between 1 and 8192 pixels each way, got %dx%d", width, height);
  }
  if (rein_mj_load() != 0) REIN_FAIL("%s", rein_mj_load_message());
  pthread_once(&rein_mjr_once, rein_mjr_resolve);
  if (rein_mjr_error[0]) REIN_FAIL("%s", rein_mjr_error);
  pthread_once(&rein_egl_once, rein_egl_setup);
  if (rein_egl_error[0]) REIN_FAIL("%s", rein_egl_error);

  renderer = calloc(1, sizeof *renderer);
  if (!renderer) REIN_FAIL("out of memory");
  renderer->model = (const mjModel *)model;
  renderer->width = width;
  renderer->height = height;
  renderer->buffer = malloc((size_t)width * (size_t)height * 3);
  if (!renderer->buffer) REIN_FAIL("out of memory");

  pthread_mutex_lock(&rein_render_lock);
  egl.eglBindAPI(REIN_EGL_OPENGL_API);
  renderer->context = egl.eglCreateContext(rein_egl_display, rein_egl_config, NULL, NULL);
  if (!renderer->context) {
    pthread_mutex_unlock(&rein_render_lock);
    REIN_FAIL("EGL could not create an OpenGL context (EGL error 0x%x). %s", (unsigned)egl.eglGetError(),
              rein_egl_help);
  }
  if (rein_make_current(renderer) != 0) {
    pthread_mutex_unlock(&rein_render_lock);
    REIN_FAIL("EGL could not make its OpenGL context current without a surface (EGL error 0x%x). %s",
              (unsigned)egl.eglGetError(), rein_egl_help);
  }
  mjr.mjv_defaultScene(&renderer->scene);
  mjr.mjv_makeScene(renderer->model, &renderer->scene, options.max_geom > 0 ? options.max_geom : 1000);
  renderer->has_scene = 1;
  mjr.mjv_defaultOption(&renderer->option);
  for (int i = 0; i < mjNVISFLAG && i < REIN_MJ_VISUAL_FLAG_SLOTS; i++) {
    if (options.visual_flags[i] >= 0) renderer->option.flags[i] = (mjtByte)(options.visual_flags[i] ? 1 : 0);
  }
  mjr.mjv_defaultPerturb(&renderer->perturb);
  mjr.mjr_defaultContext(&renderer->render_context);
  int status = rein_mj_protected(rein_make_context_body, renderer);
  rein_release_current();
  pthread_mutex_unlock(&rein_render_lock);
  if (status != 0) REIN_FAIL("MuJoCo could not set up OpenGL rendering: %s. %s", rein_mj_last_error(), rein_egl_help);

  // The camera, as Gymnasium's offscreen viewer places it, then the environment's settings.
  const mjData *d = (const mjData *)data;
  const mjModel *m = renderer->model;
  mjr.mjv_defaultCamera(&renderer->camera);
  renderer->camera.type = camera.type == 1 ? mjCAMERA_TRACKING : camera.type == 2 ? mjCAMERA_FIXED : mjCAMERA_FREE;
  renderer->camera.trackbodyid = camera.track_body;
  renderer->camera.fixedcamid = camera.type == 2 ? camera.fixed_camera : -1;
  if (camera.set_lookat) {
    for (int i = 0; i < 3; i++) renderer->camera.lookat[i] = camera.lookat[i];
  } else if (m->ngeom > 0) {
    double *values = malloc(sizeof(double) * (size_t)m->ngeom);
    if (values) {
      for (int axis = 0; axis < 3; axis++) {
        for (int g = 0; g < m->ngeom; g++) values[g] = d->geom_xpos[3 * g + axis];
        qsort(values, (size_t)m->ngeom, sizeof(double), rein_compare_doubles);
        int n = (int)m->ngeom;
        renderer->camera.lookat[axis] = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      }
      free(values);
    }
  }
  renderer->camera.distance = camera.distance > 0 ? camera.distance : m->stat.extent;
  if (camera.azimuth == camera.azimuth) renderer->camera.azimuth = camera.azimuth;      // NaN keeps the default
  if (camera.elevation == camera.elevation) renderer->camera.elevation = camera.elevation;
  return renderer;
#undef REIN_FAIL
}

typedef struct rein_draw_call {
  rein_mj_renderer *renderer;
  mjData *data;
} rein_draw_call;

static void rein_draw_body(void *context) {
  rein_draw_call *call = context;
  rein_mj_renderer *r = call->renderer;
  mjr.mjv_updateScene(r->model, call->data, &r->option, &r->perturb, &r->camera, mjCAT_ALL, &r->scene);
  mjrRect viewport = {0, 0, r->width, r->height};
  mjr.mjr_render(viewport, &r->scene, &r->render_context);
  mjr.mjr_readPixels(r->buffer, NULL, viewport, &r->render_context);
}

int rein_mj_renderer_draw(rein_mj_renderer *renderer, rein_mj_data *data, uint8_t *rgb) {
  if (!renderer || !data || !rgb) return -1;
  pthread_mutex_lock(&rein_render_lock);
  if (rein_make_current(renderer) != 0) {
    pthread_mutex_unlock(&rein_render_lock);
    return -1;
  }
  rein_draw_call call = {renderer, (mjData *)data};
  int status = rein_mj_protected(rein_draw_body, &call);
  rein_release_current();
  pthread_mutex_unlock(&rein_render_lock);
  if (status != 0) return -1;
  // OpenGL's rows start at the bottom.
  size_t row = (size_t)renderer->width * 3;
  for (int y = 0; y < renderer->height; y++) {
    memcpy(rgb + (size_t)y * row, renderer->buffer + (size_t)(renderer->height - 1 - y) * row, row);
  }
  return 0;
}

#endif
