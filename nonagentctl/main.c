/*
 * main.c - nonagentctl, bulk phone provisioning over the Non-Agent API:
 * the command line, then read (table.c), check offline (offline.c) or send
 * (send.c), and report (report.c).
 *
 * Exit status: 0 every row succeeded (or, with --dry-run, passed the
 * offline checks); 1 some row failed; 2 bad usage or bad input, nothing
 * sent; 3 the run stopped early (lockout, login refused, server
 * unreachable), the rows after it not sent.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nonagentctl/credentials.h"
#include "nonagentctl/offline.h"
#include "nonagentctl/report.h"
#include "nonagentctl/send.h"
#include "nonagentctl/table.h"

#define EXIT_ROWS_FAILED 1
#define EXIT_USAGE 2
#define EXIT_STOPPED 3

#define DEFAULT_URL "http://127.0.0.1:8080/vicidial/non_agent_api.php"
#define MAX_JOBS 256
#define MAX_DEFAULTS 64

static const char USAGE[] =
    "usage: nonagentctl import FILE [options]\n"
    "       nonagentctl add|update|delete --extension E --server-ip IP [--FIELD VALUE ...] [options]\n"
    "       nonagentctl seats --from N --count N --server-ip IP [--FIELD VALUE ...] [options]\n"
    "\n"
    "Provision phones through VICIdial's Non-Agent API (nonagentd or VICIdial itself):\n"
    "one add_phone or update_phone call per row.\n"
    "\n"
    "  import FILE     a CSV or TSV file; its header names API parameters (extension,\n"
    "                  dialplan_number, voicemail_id, phone_login, phone_pass, server_ip,\n"
    "                  protocol, ...) and optionally action (add, update or delete)\n"
    "  add, update, delete   one phone, its fields as --FIELD VALUE (--phone-login or\n"
    "                  --phone_login); delete needs only --extension and --server-ip\n"
    "  seats           N consecutive phones from --from: extension, dialplan_number,\n"
    "                  voicemail_id and phone_login {n}, phone_full_name \"Seat {n}\",\n"
    "                  protocol SIP, local_gmt -5.00 unless --default says otherwise;\n"
    "                  passwords generated into the results file\n"
    "\n"
    "Options:\n"
    "  --url URL             the API (default " DEFAULT_URL ")\n"
    "  --credentials FILE    user=... and pass=... lines, mode 600; else the environment's\n"
    "                        NONAGENTD_API_USER and NONAGENTD_API_PASS\n"
    "  --default NAME=VALUE  a value for rows that leave NAME empty ({n}: the seat number)\n"
    "  --jobs N              requests at once (default 4)\n"
    "  --retries N           tries again after a 503 or a connection error (default 3)\n"
    "  --timeout SECONDS     per request (default 30)\n"
    "  --strict              an existing phone (add) or a missing one (delete) is a failure\n"
    "  --dry-run             check every row offline with the API's own rules; send nothing\n"
    "  --non-latin           the server runs with use_non_latin=1 (how values are filtered)\n"
    "  --results FILE        the results CSV (default: FILE.results.csv for import,\n"
    "                        seats-FROM-LAST.results.csv for seats, none otherwise)\n"
    "  --source NAME         the API's source parameter (default nonagentctl)\n"
    "  --cacert FILE         CA certificates for an https URL (verified by default)\n"
    "  --quiet               no output but errors\n"
    "  --json                a JSON object per row and one summary object\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 every row succeeded, 1 some row failed, 2 bad usage or input\n"
    "(nothing sent), 3 the run stopped early (lockout, login refused, server unreachable).\n";

enum opt_id {
    OPT_URL = 256, OPT_CREDENTIALS, OPT_DEFAULT, OPT_JOBS, OPT_RETRIES, OPT_TIMEOUT,
    OPT_STRICT, OPT_DRY_RUN, OPT_NON_LATIN, OPT_RESULTS, OPT_SOURCE, OPT_CACERT, OPT_QUIET,
    OPT_JSON, OPT_HELP, OPT_VERSION, OPT_FROM, OPT_COUNT,
};

static const struct option OPTIONS[] = {
    { "url", required_argument, NULL, OPT_URL },
    { "credentials", required_argument, NULL, OPT_CREDENTIALS },
    { "default", required_argument, NULL, OPT_DEFAULT },
    { "jobs", required_argument, NULL, OPT_JOBS },
    { "retries", required_argument, NULL, OPT_RETRIES },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "strict", no_argument, NULL, OPT_STRICT },
    { "dry-run", no_argument, NULL, OPT_DRY_RUN },
    { "non-latin", no_argument, NULL, OPT_NON_LATIN },
    { "results", required_argument, NULL, OPT_RESULTS },
    { "source", required_argument, NULL, OPT_SOURCE },
    { "cacert", required_argument, NULL, OPT_CACERT },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "json", no_argument, NULL, OPT_JSON },
    { "help", no_argument, NULL, OPT_HELP },
    { "version", no_argument, NULL, OPT_VERSION },
    { "from", required_argument, NULL, OPT_FROM },
    { "count", required_argument, NULL, OPT_COUNT },
    { NULL, 0, NULL, 0 },
};

struct args {
    const char *command;
    const char *file;
    const char *url, *credentials, *results, *source, *cacert;
    const char *defaults[MAX_DEFAULTS];
    int ndefaults;
    const char *fields[MAX_DEFAULTS][2];    /* add/update/delete: --FIELD VALUE */
    int nfields;
    long jobs, retries, timeout, from, count;
    int have_from, have_count;
    int strict, dry_run, non_latin, quiet, json;
};

static int usage_error(const char *fmt, const char *detail)
{
    fprintf(stderr, "nonagentctl: ");
    fprintf(stderr, fmt, detail);
    fprintf(stderr, "\n(nonagentctl --help for usage)\n");
    return EXIT_USAGE;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* --extension-like options of add/update/delete: any API parameter, '-'
 * or '_' between words.  Returns 1 when it took argv[*i] (and its value). */
static int take_field(struct args *a, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    char name[128];

    if (strncmp(arg, "--", 2) != 0 || strlen(arg + 2) >= sizeof name)
        return 0;
    snprintf(name, sizeof name, "%s", arg + 2);
    char *eq = strchr(name, '=');
    if (eq)
        *eq = '\0';
    for (char *p = name; *p; p++)
        if (*p == '-')
            *p = '_';
    if (!table_column_allowed(name) || a->nfields == MAX_DEFAULTS)
        return 0;
    const char *value = eq ? arg + 2 + (eq - name) + 1 : NULL;
    if (!value) {
        if (*i + 1 >= argc)
            return 0;
        value = argv[++*i];
    }
    a->fields[a->nfields][0] = strdup(name);
    a->fields[a->nfields][1] = value;
    a->nfields++;
    return 1;
}

static int parse_args(struct args *a, int argc, char **argv)
{
    int single = 0, seats = 0;

    *a = (struct args){ .url = DEFAULT_URL, .source = "nonagentctl", .jobs = 4, .retries = 3,
                        .timeout = 30 };
    if (argc < 2)
        return usage_error("%s", "no command: import, add, update, delete or seats");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("nonagentctl %s\n", NONAGENTD_VERSION);
        return 0;
    }
    a->command = argv[1];
    single = strcmp(a->command, "add") == 0 || strcmp(a->command, "update") == 0 ||
             strcmp(a->command, "delete") == 0;
    seats = strcmp(a->command, "seats") == 0;
    if (!single && !seats && strcmp(a->command, "import") != 0)
        return usage_error("unknown command \"%s\": import, add, update, delete or seats",
                           a->command);

    /* add/update/delete take the phone's fields as options getopt does not
     * know: pick them out first, keep the rest for getopt. */
    char **rest = calloc(argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return usage_error("%s", "out of memory");
    rest[nrest++] = argv[0];
    for (int i = 2; i < argc; i++)
        if (!((single || seats) && take_field(a, argc, argv, &i)))
            rest[nrest++] = argv[i];

    optind = 1;
    opterr = 0;
    int c, rc = -1;
    while (rc < 0 && (c = getopt_long(nrest, rest, "", OPTIONS, NULL)) != -1) {
        switch (c) {
        case OPT_URL: a->url = optarg; break;
        case OPT_CREDENTIALS: a->credentials = optarg; break;
        case OPT_DEFAULT:
            if (a->ndefaults == MAX_DEFAULTS)
                rc = usage_error("%s", "too many --default");
            else
                a->defaults[a->ndefaults++] = optarg;
            break;
        case OPT_JOBS:
            if (parse_long(optarg, 1, MAX_JOBS, &a->jobs) != 0)
                rc = usage_error("--jobs \"%s\": a number from 1 to 256", optarg);
            break;
        case OPT_RETRIES:
            if (parse_long(optarg, 0, 20, &a->retries) != 0)
                rc = usage_error("--retries \"%s\": a number from 0 to 20", optarg);
            break;
        case OPT_TIMEOUT:
            if (parse_long(optarg, 1, 3600, &a->timeout) != 0)
                rc = usage_error("--timeout \"%s\": seconds, from 1 to 3600", optarg);
            break;
        case OPT_FROM:
            if (parse_long(optarg, 0, 999999999, &a->from) != 0)
                rc = usage_error("--from \"%s\": a number from 0", optarg);
            a->have_from = 1;
            break;
        case OPT_COUNT:
            if (parse_long(optarg, 1, 100000, &a->count) != 0)
                rc = usage_error("--count \"%s\": a number from 1 to 100000", optarg);
            a->have_count = 1;
            break;
        case OPT_STRICT: a->strict = 1; break;
        case OPT_DRY_RUN: a->dry_run = 1; break;
        case OPT_NON_LATIN: a->non_latin = 1; break;
        case OPT_RESULTS: a->results = optarg; break;
        case OPT_SOURCE: a->source = optarg; break;
        case OPT_CACERT: a->cacert = optarg; break;
        case OPT_QUIET: a->quiet = 1; break;
        case OPT_JSON: a->json = 1; break;
        case OPT_HELP: fputs(USAGE, stdout); rc = 0; break;
        case OPT_VERSION: printf("nonagentctl %s\n", NONAGENTD_VERSION); rc = 0; break;
        case ':':
            rc = usage_error("%s needs a value", rest[optind - 1]);
            break;
        default:
            rc = usage_error("unknown option \"%s\"", rest[optind - 1]);
            break;
        }
    }
    if (rc < 0) {
        int nargs = nrest - optind;
        if (strcmp(a->command, "import") == 0) {
            if (nargs != 1)
                rc = usage_error("%s", "import takes one FILE");
            else
                a->file = rest[optind];
        } else if (nargs > 0) {
            rc = usage_error("unexpected argument \"%s\"", rest[optind]);
        }
    }
    if (rc < 0 && strcmp(a->command, "seats") == 0 && (!a->have_from || !a->have_count))
        rc = usage_error("%s", "seats needs --from N and --count N");
    free(rest);
    return rc < 0 ? -1 : rc;
}

/* The table the command describes, defaults applied.  0, or an exit status. */
static int build_table(const struct args *a, struct table *t)
{
    struct table_error err = { "" };
    int failed = 0;

    if (strcmp(a->command, "import") == 0) {
        failed = table_read_file(t, a->file, &err);
    } else if (strcmp(a->command, "seats") == 0) {
        if (a->from + a->count - 1 > 999999999)
            return usage_error("%s", "seats: --from plus --count goes past 999999999");
        failed = table_seats(t, a->from, a->count);
        for (int i = 0; !failed && i < a->nfields; i++)
            failed = table_set(t, a->fields[i][0], a->fields[i][1], &err);
        if (!failed && !*row_get(t, &t->rows[0], "server_ip"))
            return usage_error("%s", "seats needs --server-ip");
    } else {
        enum action act = strcmp(a->command, "add") == 0      ? ACTION_ADD
                          : strcmp(a->command, "update") == 0 ? ACTION_UPDATE
                                                              : ACTION_DELETE;
        failed = table_single(t, act);
        for (int i = 0; !failed && i < a->nfields; i++)
            failed = table_set(t, a->fields[i][0], a->fields[i][1], &err);
    }
    for (int i = 0; !failed && i < a->ndefaults; i++)
        failed = table_default_arg(t, a->defaults[i], &err);
    if (!failed && strcmp(a->command, "seats") == 0) {
        static const char *const SEAT[][2] = {
            { "extension", "{n}" }, { "dialplan_number", "{n}" }, { "voicemail_id", "{n}" },
            { "phone_login", "{n}" }, { "phone_full_name", "Seat {n}" }, { "protocol", "SIP" },
            { "local_gmt", "-5.00" },
        };
        for (size_t i = 0; !failed && i < sizeof SEAT / sizeof SEAT[0]; i++)
            failed = table_default(t, SEAT[i][0], SEAT[i][1], &err);
        if (!failed && a->dry_run == 0)
            failed = table_generate_passwords(t);
    }
    if (failed) {
        fprintf(stderr, "nonagentctl: %s\n", err.text[0] ? err.text : "out of memory");
        return EXIT_USAGE;
    }
    if (t->nrows > 0 && !*row_get(t, &t->rows[0], "extension") && strcmp(a->command, "import"))
        return usage_error("%s", "no --extension given");
    return 0;
}

/* seats' rows are all alike: when the first cannot pass the API's offline
 * checks (no outbound_cid, say), say so instead of sending them all. */
static int check_seats(struct table *t, const char *user, int non_latin)
{
    struct table one = *t;
    one.nrows = 1;
    offline_check(&one, user, non_latin);
    struct row *r = &t->rows[0];
    int bad = r->outcome == OUTCOME_INVALID;
    if (bad)
        fprintf(stderr, "nonagentctl: seats: the API would refuse every seat (%s); give the "
                        "missing values with --default NAME=VALUE\n",
                r->answer);
    free(r->answer);
    r->answer = NULL;
    r->outcome = OUTCOME_PENDING;
    return bad ? EXIT_USAGE : 0;
}

static char *default_results(const struct args *a)
{
    char *path = NULL;
    if (a->results)
        return strdup(a->results);
    if (a->dry_run)
        return NULL;
    if (strcmp(a->command, "import") == 0 && asprintf(&path, "%s.results.csv", a->file) < 0)
        return NULL;
    if (strcmp(a->command, "seats") == 0 &&
        asprintf(&path, "seats-%ld-%ld.results.csv", a->from, a->from + a->count - 1) < 0)
        return NULL;
    return path;
}

static int run(const struct args *a)
{
    struct table t = { 0 };
    struct credentials cred;
    char err[512], why[512] = "";
    int status = build_table(a, &t);

    if (status != 0) {
        table_free(&t);         /* what was read before the error */
        return status;
    }
    if (credentials_load(&cred, a->credentials, !a->dry_run, err, sizeof err) != 0) {
        table_free(&t);
        fprintf(stderr, "nonagentctl: %s\n", err);
        return EXIT_USAGE;
    }
    if (t.seats && (status = check_seats(&t, cred.user, a->non_latin)) != 0) {
        table_free(&t);
        return status;
    }
    char *results = default_results(a);
    struct report_options ro = {
        .results_path = results, .keep_existing = t.seats && !a->dry_run, .quiet = a->quiet,
        .json = a->json, .dry_run = a->dry_run, .api_pass = cred.pass,
        .progress = !a->quiet && !a->json && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO),
    };
    struct report *rep = report_open(&t, &ro, err, sizeof err);
    if (!rep) {
        fprintf(stderr, "nonagentctl: %s\n", err);
        free(results);
        table_free(&t);
        return EXIT_USAGE;
    }
    int stopped = 0;
    if (a->dry_run) {
        offline_check(&t, cred.user[0] ? cred.user : "USER", a->non_latin);
        for (int i = 0; i < t.nrows; i++)
            report_row(&t, &t.rows[i], rep);
    } else {
        struct send_options so = {
            .url = a->url, .user = cred.user, .pass = cred.pass, .source = a->source,
            .cacert = a->cacert, .jobs = (int)a->jobs, .retries = (int)a->retries,
            .timeout = a->timeout, .strict = a->strict, .non_latin = a->non_latin,
            .on_row = report_row, .ctx = rep,
        };
        stopped = send_rows(&t, &so, why, sizeof why) == SEND_STOPPED;
    }
    if (report_close(rep, &t, stopped ? why : NULL, err, sizeof err) != 0)
        fprintf(stderr, "nonagentctl: %s\n", err);
    if (stopped)
        fprintf(stderr, "nonagentctl: %s\n", why);
    status = 0;
    for (int i = 0; i < t.nrows; i++)
        if (!outcome_succeeded(t.rows[i].outcome))
            status = EXIT_ROWS_FAILED;
    if (stopped)
        status = EXIT_STOPPED;
    free(results);
    table_free(&t);
    return status;
}

int main(int argc, char **argv)
{
    struct args a;
    int rc = parse_args(&a, argc, argv);

    if (rc >= 0)
        return rc;
    if (send_global_init() != 0) {
        fprintf(stderr, "nonagentctl: libcurl did not start\n");
        return EXIT_USAGE;
    }
    rc = run(&a);
    send_global_cleanup();
    for (int i = 0; i < a.nfields; i++)
        free((char *)a.fields[i][0]);
    return rc;
}
