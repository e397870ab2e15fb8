// HTTP through libcurl's multi interface, with libcurl opened by dlopen on first use: the
// runner links no network library, so `--version`, `--cfg job` and every error path start
// without one. Only plain C types cross this interface; curl's own types stay in ccurl.c.
#ifndef CCURL_H
#define CCURL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opens libcurl (libcurl.so.4) and initialises it, once per process. 0 on success; otherwise
/// -1 with the reason in `error`.
int rc_load(char *error, int error_len);

/// What a failed transfer failed at, for retry decisions and messages.
enum {
    RC_OK = 0,
    RC_CONNECT = 1,            // refused, unreachable, no route
    RC_DNS = 2,                // the host or proxy name did not resolve
    RC_TLS = 3,                // the TLS handshake failed (a plain-HTTP server, a protocol mismatch)
    RC_TIMEOUT = 4,            // connected, but no complete answer within the whole timeout
    RC_BROKEN = 5,             // connection closed, reset, or the answer cut short
    RC_TOO_LARGE = 6,          // the body passed its cap
    RC_BAD_URL = 7,
    RC_OTHER = 8,
    RC_CERT = 9,               // the server's certificate was not accepted
    RC_CONNECT_TIMEOUT = 10,   // no TCP connection within the connect timeout
    RC_HANDSHAKE_TIMEOUT = 11, // connected, but the TLS handshake did not finish within the connect timeout
};

typedef struct rc_transfer rc_transfer;

/// A request ready to run. Headers are "Name: value" strings; the body is copied.
/// `timeout_ms` bounds the whole request, `connect_timeout_ms` the connection and TLS handshake.
/// `verify_tls` 0 accepts any certificate. Returns NULL when libcurl is not loaded.
rc_transfer *rc_transfer_new(const char *url, const char *method, const char *const *headers, int header_count,
                             const void *body, int64_t body_length, int64_t timeout_ms, int64_t connect_timeout_ms,
                             int verify_tls, int64_t max_body);
void rc_transfer_free(rc_transfer *transfer);

/// After completion: the HTTP status (0 when none arrived), the body, and the raw header
/// block of the last response.
long rc_transfer_status(rc_transfer *transfer);
const char *rc_transfer_body(rc_transfer *transfer, int64_t *length);
const char *rc_transfer_headers(rc_transfer *transfer, int64_t *length);

typedef struct rc_loop rc_loop;

rc_loop *rc_loop_new(void);
/// Adds or removes a transfer; only on the thread that runs the loop.
int rc_loop_add(rc_loop *loop, rc_transfer *transfer);
int rc_loop_remove(rc_loop *loop, rc_transfer *transfer);
/// Runs what is ready, then waits up to `timeout_ms` for sockets or a wakeup.
int rc_loop_run(rc_loop *loop, int timeout_ms);
/// One finished transfer and its outcome (an RC_ kind and curl's message, with the system's
/// reason for a failed connection, "Connection refused"); 0 when none.
int rc_loop_next_done(rc_loop *loop, rc_transfer **transfer, int *kind, const char **message);
/// Ends a wait in rc_loop_run early; safe from any thread.
int rc_loop_wakeup(rc_loop *loop);

#ifdef __cplusplus
}
#endif

#endif
