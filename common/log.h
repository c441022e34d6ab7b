/* Structured logs: one JSON object a line on stderr.
 *   log_info("run queued", "id", id, "lang", lang, NULL);
 * Keys and values are strings, given in pairs and closed by NULL. */
#ifndef VERDICT_LOG_H
#define VERDICT_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *process, enum log_level min);
int log_level_parse(const char *s); /* -1 when unknown */
void log_kv(enum log_level lvl, const char *msg, ...) __attribute__((sentinel));

#define log_debug(...) log_kv(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_kv(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_kv(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_kv(LOG_ERROR, __VA_ARGS__)

#endif
