// Clang's thread-safety annotations (-Wthread-safety), as Abseil and LevelDB
// write them: GUARDED_BY(mu_) on a member says which mutex guards it, and the
// compiler checks every access holds it. Empty for other compilers; the clang
// check is the ctest ThreadSafety.AnnotatedCodeIsCheckedByClang.
#pragma once

#if defined(__clang__)
#define MPP_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MPP_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) MPP_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY MPP_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) MPP_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) MPP_THREAD_ANNOTATION(pt_guarded_by(x))
#define REQUIRES(...) MPP_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) MPP_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) MPP_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) MPP_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS MPP_THREAD_ANNOTATION(no_thread_safety_analysis)
