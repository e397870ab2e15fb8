#include "ccurl.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - libcurl, opened on demand

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
    CURLMcode (*multi_wakeup)(CURLM *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[512];
static int loaded = 0;

static void load(void) {
    const char *names[] = {"libcurl.so.4", "libcurl.so", NULL};
    void *handle = NULL;
    for (int i = 0; names[i] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "libcurl is not installed (%s); install it with apt-get install libcurl4", dlerror());
        return;
    }
#define SYMBOL(field, name)                                                                  \
    *(void **)(&api.field) = dlsym(handle, name);                                            \
    if (!api.field) {                                                                        \
        snprintf(load_error, sizeof load_error, "libcurl lacks %s: it is older than 7.68", name); \
        return;                                                                              \
    }
    SYMBOL(global_init, "curl_global_init")
    SYMBOL(easy_init, "curl_easy_init")
    SYMBOL(easy_cleanup, "curl_easy_cleanup")
    SYMBOL(easy_setopt, "curl_easy_setopt")
    SYMBOL(easy_getinfo, "curl_easy_getinfo")
    SYMBOL(easy_strerror, "curl_easy_strerror")
    SYMBOL(slist_append, "curl_slist_append")
    SYMBOL(slist_free_all, "curl_slist_free_all")
    SYMBOL(multi_init, "curl_multi_init")
    SYMBOL(multi_add_handle, "curl_multi_add_handle")
    SYMBOL(multi_remove_handle, "curl_multi_remove_handle")
    SYMBOL(multi_perform, "curl_multi_perform")
    SYMBOL(multi_poll, "curl_multi_poll")
    SYMBOL(multi_wakeup, "curl_multi_wakeup")
    SYMBOL(multi_info_read, "curl_multi_info_read")
#undef SYMBOL
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "libcurl failed to initialise");
        return;
    }
    loaded = 1;
}

int rc_load(char *error, int error_len) {
    pthread_once(&load_once, load);
    if (loaded) return 0;
    if (error && error_len > 0) snprintf(error, (size_t)error_len, "%s", load_error);
    return -1;
}

// MARK: - Transfers

typedef struct {
    char *data;
    int64_t length, capacity;
} buffer;

struct rc_transfer {
    CURL *easy;
    struct curl_slist *headers;
    buffer body, header_block;
    int64_t max_body;
    int too_large;
    int https;
    char error[CURL_ERROR_SIZE];
    char message[CURL_ERROR_SIZE + 128];
};

static int append(buffer *b, const char *data, int64_t n) {
    if (b->length + n + 1 > b->capacity) {
        int64_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->length + n + 1) capacity *= 2;
        char *grown = realloc(b->data, (size_t)capacity);
        if (!grown) return -1;
        b->data = grown;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, data, (size_t)n);
    b->length += n;
    b->data[b->length] = 0;
    return 0;
}

static size_t on_body(char *data, size_t size, size_t count, void *context) {
    rc_transfer *t = context;
    int64_t n = (int64_t)(size * count);
    if (t->body.length + n > t->max_body) {
        t->too_large = 1;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    return append(&t->body, data, n) == 0 ? (size_t)n : 0;
}

static size_t on_header(char *data, size_t size, size_t count, void *context) {
    rc_transfer *t = context;
    int64_t n = (int64_t)(size * count);
    // A new status line starts a new response (after a 100 Continue or a redirect).
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) t->header_block.length = 0;
    return append(&t->header_block, data, n) == 0 ? (size_t)n : 0;
}

rc_transfer *rc_transfer_new(const char *url, const char *method, const char *const *headers, int header_count,
                             const void *body, int64_t body_length, int64_t timeout_ms, int64_t connect_timeout_ms,
                             int verify_tls, int64_t max_body) {
    if (!loaded) return NULL;
    rc_transfer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->easy = api.easy_init();
    if (!t->easy) {
        free(t);
        return NULL;
    }
    t->max_body = max_body;
    t->https = strncasecmp(url, "https://", 8) == 0;
    CURL *e = t->easy;
    api.easy_setopt(e, CURLOPT_URL, url);
    api.easy_setopt(e, CURLOPT_PRIVATE, t);
    api.easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    api.easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    api.easy_setopt(e, CURLOPT_WRITEDATA, t);
    api.easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    api.easy_setopt(e, CURLOPT_HEADERDATA, t);
    api.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    api.easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    api.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)connect_timeout_ms);
    api.easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
    api.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!verify_tls) {
        api.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        api.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (strcmp(method, "GET") == 0) {
        api.easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(method, "POST") != 0) api.easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        api.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_length : 0));
        api.easy_setopt(e, CURLOPT_COPYPOSTFIELDS, body ? body : "");
    }
    for (int i = 0; i < header_count; i++) t->headers = api.slist_append(t->headers, headers[i]);
    // No "Expect: 100-continue" round trip before large bodies.
    t->headers = api.slist_append(t->headers, "Expect:");
    api.easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    return t;
}

void rc_transfer_free(rc_transfer *t) {
    if (!t) return;
    if (t->easy) api.easy_cleanup(t->easy);
    if (t->headers) api.slist_free_all(t->headers);
    free(t->body.data);
    free(t->header_block.data);
    free(t);
}

long rc_transfer_status(rc_transfer *t) {
    long status = 0;
    api.easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

const char *rc_transfer_body(rc_transfer *t, int64_t *length) {
    *length = t->body.length;
    return t->body.data ? t->body.data : "";
}

const char *rc_transfer_headers(rc_transfer *t, int64_t *length) {
    *length = t->header_block.length;
    return t->header_block.data ? t->header_block.data : "";
}

// MARK: - The loop

struct rc_loop {
    CURLM *multi;
};

rc_loop *rc_loop_new(void) {
    if (!loaded) return NULL;
    rc_loop *loop = calloc(1, sizeof *loop);
    if (!loop) return NULL;
    loop->multi = api.multi_init();
    if (!loop->multi) {
        free(loop);
        return NULL;
    }
    return loop;
}

int rc_loop_add(rc_loop *loop, rc_transfer *t) { return api.multi_add_handle(loop->multi, t->easy) == CURLM_OK ? 0 : -1; }

int rc_loop_remove(rc_loop *loop, rc_transfer *t) { return api.multi_remove_handle(loop->multi, t->easy) == CURLM_OK ? 0 : -1; }

int rc_loop_run(rc_loop *loop, int timeout_ms) {
    int running = 0;
    if (api.multi_perform(loop->multi, &running) != CURLM_OK) return -1;
    if (api.multi_poll(loop->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK) return -1;
    if (api.multi_perform(loop->multi, &running) != CURLM_OK) return -1;
    return running;
}

static int kind_of(CURLcode code, rc_transfer *t) {
    switch (code) {
        case CURLE_OK: return RC_OK;
        case CURLE_COULDNT_CONNECT: return RC_CONNECT;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY: return RC_DNS;
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CIPHER: return RC_TLS;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH: return RC_CERT;
        case CURLE_OPERATION_TIMEDOUT: {
            // Which phase ran out: the connection, the TLS handshake, or the answer. libcurl
            // 7.87+ counts the handshake as part of connecting (no connect time until it is
            // done), but it knows the local port once the TCP connection stands.
            curl_off_t connected = 0, handshaken = 0;
            long local_port = 0;
            api.easy_getinfo(t->easy, CURLINFO_CONNECT_TIME_T, &connected);
            api.easy_getinfo(t->easy, CURLINFO_APPCONNECT_TIME_T, &handshaken);
            api.easy_getinfo(t->easy, CURLINFO_LOCAL_PORT, &local_port);
            if (connected == 0 && local_port == 0) return RC_CONNECT_TIMEOUT;
            if (t->https && handshaken == 0) return RC_HANDSHAKE_TIMEOUT;
            return RC_TIMEOUT;
        }
        case CURLE_GOT_NOTHING:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_PARTIAL_FILE:
        case CURLE_BAD_CONTENT_ENCODING: return RC_BROKEN;
        case CURLE_WRITE_ERROR: return t->too_large ? RC_TOO_LARGE : RC_OTHER;
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL: return RC_BAD_URL;
        default: return RC_OTHER;
    }
}

int rc_loop_next_done(rc_loop *loop, rc_transfer **transfer, int *kind, const char **message) {
    int queued = 0;
    CURLMsg *msg;
    while ((msg = api.multi_info_read(loop->multi, &queued))) {
        if (msg->msg != CURLMSG_DONE) continue;
        rc_transfer *t = NULL;
        api.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        CURLcode code = msg->data.result;
        api.multi_remove_handle(loop->multi, msg->easy_handle);
        *transfer = t;
        *kind = kind_of(code, t);
        const char *detail = t->error[0] ? t->error : api.easy_strerror(code);
        // curl says "Couldn't connect to server"; the system's reason says why (refused, no route).
        long os_error = 0;
        if (code == CURLE_COULDNT_CONNECT) api.easy_getinfo(msg->easy_handle, CURLINFO_OS_ERRNO, &os_error);
        if (os_error != 0) {
            snprintf(t->message, sizeof t->message, "%s (%s)", strerror((int)os_error), detail);
        } else {
            snprintf(t->message, sizeof t->message, "%s", detail);
        }
        *message = t->message;
        return 1;
    }
    return 0;
}

int rc_loop_wakeup(rc_loop *loop) { return api.multi_wakeup(loop->multi) == CURLM_OK ? 0 : -1; }
