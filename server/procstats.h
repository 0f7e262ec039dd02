/*
 * procstats.h - the process_* metrics every Prometheus exporter offers
 * (CPU seconds, resident and virtual memory, open and maximum file
 * descriptors, start time), in the text format, read on Linux's /proc.
 */
#ifndef NONAGENTD_PROCSTATS_H
#define NONAGENTD_PROCSTATS_H

#include "server/request.h"

/* Append the process_* families to b. */
void procstats_render(struct buf *b);

#endif
