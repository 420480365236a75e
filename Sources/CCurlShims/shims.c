#include "CCurlShims.h"

CURLcode momentum_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode momentum_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode momentum_curl_set_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode momentum_curl_set_data_callback(CURL *handle, CURLoption option, momentum_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode momentum_curl_set_progress_callback(CURL *handle, momentum_curl_progress_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

long momentum_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
