// Typed wrappers for libcurl's variadic calls (curl_easy_setopt, curl_easy_getinfo), which
// Swift cannot call directly. Nothing else: the transport itself is Swift (MomentumHTTP).

#ifndef MOMENTUM_CCURL_SHIMS_H
#define MOMENTUM_CCURL_SHIMS_H

#include <curl/curl.h>

typedef size_t (*momentum_curl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*momentum_curl_progress_callback)(void *context, curl_off_t download_total, curl_off_t downloaded,
                                               curl_off_t upload_total, curl_off_t uploaded);

CURLcode momentum_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode momentum_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode momentum_curl_set_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode momentum_curl_set_data_callback(CURL *handle, CURLoption option, momentum_curl_data_callback callback);
CURLcode momentum_curl_set_progress_callback(CURL *handle, momentum_curl_progress_callback callback);
long momentum_curl_response_code(CURL *handle);

#endif
