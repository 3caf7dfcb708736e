/* The incidents routes: placeholder until the module lands. */
#include "http/api.h"

const struct api_route api_routes_incidents[] = {
        API_ROUTES_END,
};
