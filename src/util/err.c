/* Error codes shared by every module, and their descriptions. */
#include "util.h"

const char *sk_strerror(int err)
{
	switch (err) {
	case SK_OK:
		return "success";
	case SK_ENOMEM:
		return "out of memory";
	case SK_EINVAL:
		return "invalid input";
	case SK_ERANGE:
		return "value out of range";
	case SK_ETOOBIG:
		return "input too large";
	case SK_EIO:
		return "input/output error";
	case SK_ENOTFOUND:
		return "not found";
	case SK_EEXIST:
		return "already exists";
	case SK_EVERIFY:
		return "verification failed";
	case SK_ECORRUPT:
		return "stored data is corrupt";
	case SK_EVERSION:
		return "written by a newer version of skydd";
	case SK_EBUSY:
		return "busy or shutting down";
	case SK_EPERM:
		return "permission denied";
	case SK_EINTERNAL:
		return "internal error";
	case SK_ERULE:
		return "refused by a rule";
	case SK_EAUTH:
		return "not authenticated";
	case SK_ETHROTTLED:
		return "too many attempts";
	}
	return "unknown error";
}
