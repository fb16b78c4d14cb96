#ifndef OPOSSUM_CCURL_SHIM_H
#define OPOSSUM_CCURL_SHIM_H

#include <curl/curl.h>

#endif
