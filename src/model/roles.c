/* Roles, clearance levels and dates: names, parsing, the privileged flag. */
#include <string.h>
#include <time.h>

#include "model/model.h"

static const char *const role_names[ROLE_COUNT] = {"chief",     "ssc",       "registrar",
                                                   "admin",     "staff",     "auditor",
                                                   "reception", "personnel", "agency"};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int role_parse(const char *s)
{
	for (int i = 0; s && i < ROLE_COUNT; i++) {
		if (strcmp(s, role_names[i]) == 0)
			return i;
	}
	return -1;
}

/* Privileged rights (4 kap. 8 §): time-limited, decided by the SSC, reviewed yearly. */
bool role_privileged(enum role r)
{
	return r == ROLE_ADMIN;
}

unsigned model_privileged_roles(void)
{
	unsigned mask = 0;

	for (int r = 0; r < ROLE_COUNT; r++) {
		if (role_privileged((enum role)r))
			mask |= ROLE_BIT(r);
	}
	return mask;
}

json_t *model_roles_json(unsigned roles)
{
	json_t *arr = json_array();

	for (int r = 0; arr && r < ROLE_COUNT; r++) {
		if (roles & ROLE_BIT(r))
			json_array_append_new(arr, json_string(role_names[r]));
	}
	return arr;
}

static const char *const clearance_names[] = {"none", "BH", "K", "H", "KH"};

const char *clearance_name(enum clearance c)
{
	return (unsigned)c <= CLEAR_KH ? clearance_names[c] : "?";
}

int clearance_parse(const char *s)
{
	for (int i = 0; s && i <= CLEAR_KH; i++) {
		if (strcmp(s, clearance_names[i]) == 0)
			return i;
	}
	return -1;
}

bool model_date_valid(const char *s)
{
	char buf[32];
	int64_t t;

	if (!s || strlen(s) != 10)
		return false;
	memcpy(buf, s, 10);
	memcpy(buf + 10, "T00:00:00Z", 11);
	return sk_time_parse(buf, strlen(buf), &t) == SK_OK;
}

void model_today(char out[11])
{
	char t[SK_TIME_LEN + 1];

	sk_time_format(sk_now_us(), t);
	memcpy(out, t, 10);
	out[10] = '\0';
}
