-- schema/vicidial.sql - the VICIdial 2.14 tables that nonagentd reads and writes,
-- with the rows a fresh VICIdial install puts in them.
--
-- Column for column (names, order, types, NULL-ness, defaults) this is VICIdial's
-- extras/MySQL_AST_CREATE_tables.sql at db_schema_version 1728; test_schema checks
-- every column against tests/integration/schema_expected.tsv (docs/schema.md).
-- nonagentd must work against a real VICIdial database, so the tests run against
-- this copy of its tables rather than a schema of our own.  Differences from
-- VICIdial, all deliberate:
--
--   * ENGINE=InnoDB and an explicit utf8mb3 / utf8mb3_unicode_ci on every table.
--     VICIdial uses MyISAM and inherits utf8_unicode_ci from the database;
--     the collation is the same, so comparisons stay case-insensitive and
--     PAD SPACE.  tests/support/testdb.c can convert every table to MyISAM,
--     because the daemon must keep its promises on VICIdial's own engine too.
--   * Two extra, non-unique indexes the add_phone checks want:
--     phones.login and servers.server_ip.  Nothing relies on them existing.
--   * Only the seed rows these tables get from a fresh install; the ADMIN user
--     group but no users (schema/demo.sql adds the API user).
--
-- Load it into an empty database created with
--   CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci.
-- There is no DROP TABLE: pointed at a live VICIdial database by mistake, the
-- CREATEs fail instead of destroying anything.  It loads under a strict
-- sql_mode and under sql_mode=''.

-- ---------------------------------------------------------------------------
-- phones: one row per phone (SIP/IAX/... account on an Asterisk server).
-- add_phone inserts here; (extension, server_ip) is the uniqueness rule.
-- template_id is NOT NULL without a default, exactly as in VICIdial: an INSERT
-- that leaves it out fails under strict sql_mode, which is why nonagentd always
-- writes it (docs/differences.md).
-- ---------------------------------------------------------------------------
CREATE TABLE phones (
    extension                    VARCHAR(100),
    dialplan_number              VARCHAR(20),
    voicemail_id                 VARCHAR(10),
    phone_ip                     VARCHAR(15),
    computer_ip                  VARCHAR(15),
    server_ip                    VARCHAR(15),
    login                        VARCHAR(15),
    pass                         VARCHAR(100),
    status                       VARCHAR(10),
    active                       ENUM('Y','N'),
    phone_type                   VARCHAR(50),
    fullname                     VARCHAR(50),
    company                      VARCHAR(10),
    picture                      VARCHAR(19),
    messages                     INT(4),
    old_messages                 INT(4),
    protocol                     ENUM('SIP','PJSIP','Zap','IAX2','EXTERNAL') DEFAULT 'SIP',
    local_gmt                    VARCHAR(6) DEFAULT '-5.00',
    ASTmgrUSERNAME               VARCHAR(20) DEFAULT 'cron',
    ASTmgrSECRET                 VARCHAR(20) DEFAULT '1234',
    login_user                   VARCHAR(20),
    login_pass                   VARCHAR(100),
    login_campaign               VARCHAR(10),
    park_on_extension            VARCHAR(10) DEFAULT '8301',
    conf_on_extension            VARCHAR(10) DEFAULT '8302',
    VICIDIAL_park_on_extension   VARCHAR(10) DEFAULT '8301',
    VICIDIAL_park_on_filename    VARCHAR(10) DEFAULT 'park',
    monitor_prefix               VARCHAR(10) DEFAULT '8612',
    recording_exten              VARCHAR(10) DEFAULT '8309',
    voicemail_exten              VARCHAR(10) DEFAULT '8501',
    voicemail_dump_exten         VARCHAR(20) DEFAULT '85026666666666',
    ext_context                  VARCHAR(20) DEFAULT 'default',
    dtmf_send_extension          VARCHAR(100) DEFAULT 'local/8500998@default',
    call_out_number_group        VARCHAR(100) DEFAULT 'Zap/g2/',
    client_browser               VARCHAR(100) DEFAULT '/usr/bin/mozilla',
    install_directory            VARCHAR(100) DEFAULT '/usr/local/perl_TK',
    local_web_callerID_URL       VARCHAR(255) DEFAULT 'http://www.vicidial.org/test_callerid_output.php',
    VICIDIAL_web_URL             VARCHAR(255) DEFAULT 'http://www.vicidial.org/test_VICIDIAL_output.php',
    AGI_call_logging_enabled     ENUM('0','1') DEFAULT '1',
    user_switching_enabled       ENUM('0','1') DEFAULT '1',
    conferencing_enabled         ENUM('0','1') DEFAULT '1',
    admin_hangup_enabled         ENUM('0','1') DEFAULT '0',
    admin_hijack_enabled         ENUM('0','1') DEFAULT '0',
    admin_monitor_enabled        ENUM('0','1') DEFAULT '1',
    call_parking_enabled         ENUM('0','1') DEFAULT '1',
    updater_check_enabled        ENUM('0','1') DEFAULT '1',
    AFLogging_enabled            ENUM('0','1') DEFAULT '1',
    QUEUE_ACTION_enabled         ENUM('0','1') DEFAULT '1',
    CallerID_popup_enabled       ENUM('0','1') DEFAULT '1',
    voicemail_button_enabled     ENUM('0','1') DEFAULT '1',
    enable_fast_refresh          ENUM('0','1') DEFAULT '0',
    fast_refresh_rate            INT(5) DEFAULT '1000',
    enable_persistant_mysql      ENUM('0','1') DEFAULT '0',
    auto_dial_next_number        ENUM('0','1') DEFAULT '1',
    VDstop_rec_after_each_call   ENUM('0','1') DEFAULT '1',
    DBX_server                   VARCHAR(15),
    DBX_database                 VARCHAR(15) DEFAULT 'asterisk',
    DBX_user                     VARCHAR(15) DEFAULT 'cron',
    DBX_pass                     VARCHAR(15) DEFAULT '1234',
    DBX_port                     INT(6) DEFAULT '3306',
    DBY_server                   VARCHAR(15),
    DBY_database                 VARCHAR(15) DEFAULT 'asterisk',
    DBY_user                     VARCHAR(15) DEFAULT 'cron',
    DBY_pass                     VARCHAR(15) DEFAULT '1234',
    DBY_port                     INT(6) DEFAULT '3306',
    outbound_cid                 VARCHAR(20),
    enable_sipsak_messages       ENUM('0','1') DEFAULT '0',
    email                        VARCHAR(100),
    template_id                  VARCHAR(15) NOT NULL,
    conf_override                TEXT,
    phone_context                VARCHAR(20) DEFAULT 'default',
    phone_ring_timeout           SMALLINT(3) DEFAULT '60',
    conf_secret                  VARCHAR(100) DEFAULT 'test',
    delete_vm_after_email        ENUM('N','Y') DEFAULT 'N',
    is_webphone                  ENUM('Y','N','Y_API_LAUNCH') DEFAULT 'N',
    use_external_server_ip       ENUM('Y','N') DEFAULT 'N',
    codecs_list                  VARCHAR(100) DEFAULT '',
    codecs_with_template         ENUM('0','1') DEFAULT '0',
    webphone_dialpad             ENUM('Y','N','TOGGLE','TOGGLE_OFF') DEFAULT 'Y',
    on_hook_agent                ENUM('Y','N') DEFAULT 'N',
    webphone_auto_answer         ENUM('Y','N') DEFAULT 'Y',
    voicemail_timezone           VARCHAR(30) DEFAULT 'eastern',
    voicemail_options            VARCHAR(255) DEFAULT '',
    user_group                   VARCHAR(20) DEFAULT '---ALL---',
    voicemail_greeting           VARCHAR(100) DEFAULT '',
    voicemail_dump_exten_no_inst VARCHAR(20) DEFAULT '85026666666667',
    voicemail_instructions       ENUM('Y','N') DEFAULT 'Y',
    on_login_report              ENUM('Y','N') NOT NULL DEFAULT 'N',
    unavail_dialplan_fwd_exten   VARCHAR(40) DEFAULT '',
    unavail_dialplan_fwd_context VARCHAR(100) DEFAULT '',
    nva_call_url                 TEXT,
    nva_search_method            VARCHAR(40) DEFAULT 'NONE',
    nva_error_filename           VARCHAR(255) DEFAULT '',
    nva_new_list_id              BIGINT(14) UNSIGNED DEFAULT '995',
    nva_new_phone_code           VARCHAR(10) DEFAULT '1',
    nva_new_status               VARCHAR(6) DEFAULT 'NVAINS',
    webphone_dialbox             ENUM('Y','N') DEFAULT 'Y',
    webphone_mute                ENUM('Y','N') DEFAULT 'Y',
    webphone_volume              ENUM('Y','N') DEFAULT 'Y',
    webphone_debug               ENUM('Y','N') DEFAULT 'N',
    outbound_alt_cid             VARCHAR(20) DEFAULT '',
    conf_qualify                 ENUM('Y','N') DEFAULT 'Y',
    webphone_layout              VARCHAR(255) DEFAULT '',
    mohsuggest                   VARCHAR(100) DEFAULT '',
    peer_status                  ENUM('UNKNOWN','REGISTERED','UNREGISTERED','REACHABLE','LAGGED','UNREACHABLE') COLLATE utf8mb3_unicode_ci NOT NULL DEFAULT 'UNKNOWN',
    ping_time                    SMALLINT(6),
    webphone_settings            VARCHAR(40) DEFAULT 'VICIPHONE_SETTINGS',
    UNIQUE KEY extenserver (extension, server_ip),
    KEY server_ip (server_ip),
    KEY voicemail_id (voicemail_id),
    KEY dialplan_number (dialplan_number),
    -- Our addition: VICIdial has no index on login, so its duplicate-login
    -- check is a full scan.  Non-unique, because live systems may already
    -- hold duplicate logins.
    KEY login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- servers: the Asterisk servers.  add_phone checks server_ip exists here and
-- sets rebuild_conf_files='Y' on it; the API reads local_gmt at startup.
-- ---------------------------------------------------------------------------
CREATE TABLE servers (
    server_id                    VARCHAR(10) NOT NULL,
    server_description           VARCHAR(255),
    server_ip                    VARCHAR(15) NOT NULL,
    active                       ENUM('Y','N'),
    asterisk_version             VARCHAR(20) DEFAULT '1.4.21.2',
    max_vicidial_trunks          SMALLINT(4) DEFAULT '23',
    telnet_host                  VARCHAR(20) NOT NULL DEFAULT 'localhost',
    telnet_port                  INT(5) NOT NULL DEFAULT '5038',
    ASTmgrUSERNAME               VARCHAR(20) NOT NULL DEFAULT 'cron',
    ASTmgrSECRET                 VARCHAR(20) NOT NULL DEFAULT '1234',
    ASTmgrUSERNAMEupdate         VARCHAR(20) NOT NULL DEFAULT 'updatecron',
    ASTmgrUSERNAMElisten         VARCHAR(20) NOT NULL DEFAULT 'listencron',
    ASTmgrUSERNAMEsend           VARCHAR(20) NOT NULL DEFAULT 'sendcron',
    local_gmt                    VARCHAR(6) DEFAULT '-5.00',
    voicemail_dump_exten         VARCHAR(20) NOT NULL DEFAULT '85026666666666',
    answer_transfer_agent        VARCHAR(20) NOT NULL DEFAULT '8365',
    ext_context                  VARCHAR(20) NOT NULL DEFAULT 'default',
    sys_perf_log                 ENUM('Y','N') DEFAULT 'N',
    vd_server_logs               ENUM('Y','N') DEFAULT 'Y',
    agi_output                   ENUM('NONE','STDERR','FILE','BOTH') DEFAULT 'FILE',
    vicidial_balance_active      ENUM('Y','N') DEFAULT 'N',
    balance_trunks_offlimits     SMALLINT(5) UNSIGNED DEFAULT '0',
    recording_web_link           ENUM('SERVER_IP','ALT_IP','EXTERNAL_IP') DEFAULT 'SERVER_IP',
    alt_server_ip                VARCHAR(100) DEFAULT '',
    active_asterisk_server       ENUM('Y','N') DEFAULT 'Y',
    generate_vicidial_conf       ENUM('Y','N') DEFAULT 'Y',
    rebuild_conf_files           ENUM('Y','N') DEFAULT 'Y',
    outbound_calls_per_second    SMALLINT(3) UNSIGNED DEFAULT '5',
    sysload                      INT(6) NOT NULL DEFAULT '0',
    channels_total               SMALLINT(4) UNSIGNED NOT NULL DEFAULT '0',
    cpu_idle_percent             SMALLINT(3) UNSIGNED NOT NULL DEFAULT '0',
    disk_usage                   VARCHAR(255) DEFAULT '1',
    sounds_update                ENUM('Y','N') DEFAULT 'N',
    vicidial_recording_limit     MEDIUMINT(8) DEFAULT '60',
    carrier_logging_active       ENUM('Y','N') DEFAULT 'Y',
    vicidial_balance_rank        TINYINT(3) UNSIGNED DEFAULT '0',
    rebuild_music_on_hold        ENUM('Y','N') DEFAULT 'Y',
    active_agent_login_server    ENUM('Y','N') DEFAULT 'Y',
    conf_secret                  VARCHAR(100) DEFAULT 'test',
    external_server_ip           VARCHAR(100) DEFAULT '',
    custom_dialplan_entry        TEXT,
    active_twin_server_ip        VARCHAR(15) DEFAULT '',
    user_group                   VARCHAR(20) DEFAULT '---ALL---',
    audio_store_purge            TEXT,
    svn_revision                 INT(9) DEFAULT '0',
    svn_info                     TEXT,
    system_uptime                VARCHAR(255) DEFAULT '',
    auto_restart_asterisk        ENUM('Y','N') DEFAULT 'N',
    asterisk_temp_no_restart     ENUM('Y','N') DEFAULT 'N',
    voicemail_dump_exten_no_inst VARCHAR(20) DEFAULT '85026666666667',
    gather_asterisk_output       ENUM('Y','N') DEFAULT 'N',
    web_socket_url               VARCHAR(255) DEFAULT '',
    conf_qualify                 ENUM('Y','N') DEFAULT 'Y',
    routing_prefix               VARCHAR(10) DEFAULT '13',
    external_web_socket_url      VARCHAR(255) DEFAULT '',
    conf_engine                  ENUM('MEETME','CONFBRIDGE') COLLATE utf8mb3_unicode_ci DEFAULT 'MEETME',
    conf_update_interval         SMALLINT(6) NOT NULL DEFAULT '60',
    ara_url                      TEXT,
    UNIQUE KEY server_id (server_id),
    -- Our addition: VICIdial looks servers up by server_ip without an index.
    KEY server_ip (server_ip)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- vicidial_users: API authentication (pass or pass_hash, lock-out counters)
-- and permissions.  All 155 columns, so rows copied from a real system fit.
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_users (
    user_id                            INT(9) UNSIGNED NOT NULL AUTO_INCREMENT,
    user                               VARCHAR(20) NOT NULL,
    pass                               VARCHAR(100) NOT NULL,
    full_name                          VARCHAR(50),
    user_level                         TINYINT(3) UNSIGNED DEFAULT '1',
    user_group                         VARCHAR(20),
    phone_login                        VARCHAR(20),
    phone_pass                         VARCHAR(100),
    delete_users                       ENUM('0','1') DEFAULT '0',
    delete_user_groups                 ENUM('0','1') DEFAULT '0',
    delete_lists                       ENUM('0','1') DEFAULT '0',
    delete_campaigns                   ENUM('0','1') DEFAULT '0',
    delete_ingroups                    ENUM('0','1') DEFAULT '0',
    delete_remote_agents               ENUM('0','1') DEFAULT '0',
    load_leads                         ENUM('0','1') DEFAULT '0',
    campaign_detail                    ENUM('0','1') DEFAULT '0',
    ast_admin_access                   ENUM('0','1') DEFAULT '0',
    ast_delete_phones                  ENUM('0','1') DEFAULT '0',
    delete_scripts                     ENUM('0','1') DEFAULT '0',
    modify_leads                       ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    hotkeys_active                     ENUM('0','1') DEFAULT '0',
    change_agent_campaign              ENUM('0','1') DEFAULT '0',
    agent_choose_ingroups              ENUM('0','1') DEFAULT '1',
    closer_campaigns                   TEXT,
    scheduled_callbacks                ENUM('0','1') DEFAULT '1',
    agentonly_callbacks                ENUM('0','1') DEFAULT '0',
    agentcall_manual                   ENUM('0','1','2','3','4','5') DEFAULT '0',
    vicidial_recording                 ENUM('0','1') DEFAULT '1',
    vicidial_transfers                 ENUM('0','1') DEFAULT '1',
    delete_filters                     ENUM('0','1') DEFAULT '0',
    alter_agent_interface_options      ENUM('0','1') DEFAULT '0',
    closer_default_blended             ENUM('0','1') DEFAULT '0',
    delete_call_times                  ENUM('0','1') DEFAULT '0',
    modify_call_times                  ENUM('0','1') DEFAULT '0',
    modify_users                       ENUM('0','1') DEFAULT '0',
    modify_campaigns                   ENUM('0','1') DEFAULT '0',
    modify_lists                       ENUM('0','1') DEFAULT '0',
    modify_scripts                     ENUM('0','1') DEFAULT '0',
    modify_filters                     ENUM('0','1') DEFAULT '0',
    modify_ingroups                    ENUM('0','1') DEFAULT '0',
    modify_usergroups                  ENUM('0','1') DEFAULT '0',
    modify_remoteagents                ENUM('0','1') DEFAULT '0',
    modify_servers                     ENUM('0','1') DEFAULT '0',
    view_reports                       ENUM('0','1') DEFAULT '0',
    vicidial_recording_override        ENUM('DISABLED','NEVER','ONDEMAND','ALLCALLS','ALLFORCE') DEFAULT 'DISABLED',
    alter_custdata_override            ENUM('NOT_ACTIVE','ALLOW_ALTER') DEFAULT 'NOT_ACTIVE',
    qc_enabled                         ENUM('0','1') DEFAULT '0',
    qc_user_level                      INT(2) DEFAULT '1',
    qc_pass                            ENUM('0','1') DEFAULT '0',
    qc_finish                          ENUM('0','1') DEFAULT '0',
    qc_commit                          ENUM('0','1') DEFAULT '0',
    add_timeclock_log                  ENUM('0','1') DEFAULT '0',
    modify_timeclock_log               ENUM('0','1') DEFAULT '0',
    delete_timeclock_log               ENUM('0','1') DEFAULT '0',
    alter_custphone_override           ENUM('NOT_ACTIVE','ALLOW_ALTER') DEFAULT 'NOT_ACTIVE',
    vdc_agent_api_access               ENUM('0','1') DEFAULT '0',
    modify_inbound_dids                ENUM('0','1') DEFAULT '0',
    delete_inbound_dids                ENUM('0','1') DEFAULT '0',
    active                             ENUM('Y','N') DEFAULT 'Y',
    alert_enabled                      ENUM('0','1') DEFAULT '0',
    download_lists                     ENUM('0','1') DEFAULT '0',
    agent_shift_enforcement_override   ENUM('DISABLED','OFF','START','ALL') DEFAULT 'DISABLED',
    manager_shift_enforcement_override ENUM('0','1') DEFAULT '0',
    shift_override_flag                ENUM('0','1') DEFAULT '0',
    export_reports                     ENUM('0','1') DEFAULT '0',
    delete_from_dnc                    ENUM('0','1') DEFAULT '0',
    email                              VARCHAR(100) DEFAULT '',
    user_code                          VARCHAR(100) DEFAULT '',
    territory                          VARCHAR(100) DEFAULT '',
    allow_alerts                       ENUM('0','1') DEFAULT '0',
    agent_choose_territories           ENUM('0','1') DEFAULT '1',
    custom_one                         VARCHAR(100) DEFAULT '',
    custom_two                         VARCHAR(100) DEFAULT '',
    custom_three                       VARCHAR(100) DEFAULT '',
    custom_four                        VARCHAR(100) DEFAULT '',
    custom_five                        VARCHAR(100) DEFAULT '',
    voicemail_id                       VARCHAR(10),
    agent_call_log_view_override       ENUM('DISABLED','Y','N') DEFAULT 'DISABLED',
    callcard_admin                     ENUM('1','0') DEFAULT '0',
    agent_choose_blended               ENUM('0','1') DEFAULT '1',
    realtime_block_user_info           ENUM('0','1') DEFAULT '0',
    custom_fields_modify               ENUM('0','1') DEFAULT '0',
    force_change_password              ENUM('Y','N') DEFAULT 'N',
    agent_lead_search_override         ENUM('NOT_ACTIVE','ENABLED','LIVE_CALL_INBOUND','LIVE_CALL_INBOUND_AND_MANUAL','DISABLED') DEFAULT 'NOT_ACTIVE',
    modify_shifts                      ENUM('1','0') DEFAULT '0',
    modify_phones                      ENUM('1','0') DEFAULT '0',
    modify_carriers                    ENUM('1','0') DEFAULT '0',
    modify_labels                      ENUM('1','0') DEFAULT '0',
    modify_statuses                    ENUM('1','0') DEFAULT '0',
    modify_voicemail                   ENUM('1','0') DEFAULT '0',
    modify_audiostore                  ENUM('1','0') DEFAULT '0',
    modify_moh                         ENUM('1','0') DEFAULT '0',
    modify_tts                         ENUM('1','0') DEFAULT '0',
    preset_contact_search              ENUM('NOT_ACTIVE','ENABLED','DISABLED') DEFAULT 'NOT_ACTIVE',
    modify_contacts                    ENUM('1','0') DEFAULT '0',
    modify_same_user_level             ENUM('0','1') DEFAULT '1',
    admin_hide_lead_data               ENUM('0','1') DEFAULT '0',
    admin_hide_phone_data              ENUM('0','1','2_DIGITS','3_DIGITS','4_DIGITS') DEFAULT '0',
    agentcall_email                    ENUM('0','1') DEFAULT '0',
    modify_email_accounts              ENUM('0','1') DEFAULT '0',
    failed_login_count                 TINYINT(3) UNSIGNED DEFAULT '0',
    last_login_date                    DATETIME DEFAULT '2001-01-01 00:00:01',
    last_ip                            VARCHAR(15) DEFAULT '',
    pass_hash                          VARCHAR(500) DEFAULT '',
    alter_admin_interface_options      ENUM('0','1') DEFAULT '1',
    max_inbound_calls                  SMALLINT(5) UNSIGNED DEFAULT '0',
    modify_custom_dialplans            ENUM('1','0') DEFAULT '0',
    wrapup_seconds_override            SMALLINT(4) DEFAULT '-1',
    modify_languages                   ENUM('1','0') DEFAULT '0',
    selected_language                  VARCHAR(100) DEFAULT 'default English',
    user_choose_language               ENUM('1','0') DEFAULT '0',
    ignore_group_on_search             ENUM('1','0') DEFAULT '0',
    api_list_restrict                  ENUM('1','0') DEFAULT '0',
    api_allowed_functions              VARCHAR(1000) DEFAULT ' ALL_FUNCTIONS ',
    lead_filter_id                     VARCHAR(20) DEFAULT 'NONE',
    admin_cf_show_hidden               ENUM('1','0') DEFAULT '0',
    agentcall_chat                     ENUM('1','0') DEFAULT '0',
    user_hide_realtime                 ENUM('1','0') DEFAULT '0',
    access_recordings                  ENUM('0', '1') DEFAULT '0',
    modify_colors                      ENUM('1','0') DEFAULT '0',
    user_nickname                      VARCHAR(50) DEFAULT '',
    user_new_lead_limit                SMALLINT(5) DEFAULT '-1',
    api_only_user                      ENUM('0','1') DEFAULT '0',
    modify_auto_reports                ENUM('1','0') DEFAULT '0',
    modify_ip_lists                    ENUM('1','0') DEFAULT '0',
    ignore_ip_list                     ENUM('1','0') DEFAULT '0',
    ready_max_logout                   MEDIUMINT(7) DEFAULT '-1',
    export_gdpr_leads                  ENUM('0','1','2') DEFAULT '0',
    pause_code_approval                ENUM('1','0') DEFAULT '0',
    max_hopper_calls                   SMALLINT(5) UNSIGNED DEFAULT '0',
    max_hopper_calls_hour              SMALLINT(5) UNSIGNED DEFAULT '0',
    mute_recordings                    ENUM('DISABLED','Y','N') DEFAULT 'DISABLED',
    hide_call_log_info                 ENUM('DISABLED','Y','N','SHOW_1','SHOW_2','SHOW_3','SHOW_4','SHOW_5','SHOW_6','SHOW_7','SHOW_8','SHOW_9','SHOW_10') DEFAULT 'DISABLED',
    next_dial_my_callbacks             ENUM('NOT_ACTIVE','DISABLED','ENABLED') DEFAULT 'NOT_ACTIVE',
    user_admin_redirect_url            TEXT,
    max_inbound_filter_enabled         ENUM('0','1') DEFAULT '0',
    max_inbound_filter_statuses        TEXT,
    max_inbound_filter_ingroups        TEXT,
    max_inbound_filter_min_sec         SMALLINT(5) DEFAULT '-1',
    status_group_id                    VARCHAR(20) DEFAULT '',
    mobile_number                      VARCHAR(20) DEFAULT '',
    two_factor_override                ENUM('NOT_ACTIVE','ENABLED','DISABLED') DEFAULT 'NOT_ACTIVE',
    manual_dial_filter                 VARCHAR(50) DEFAULT 'DISABLED',
    user_location                      VARCHAR(100) DEFAULT '',
    download_invalid_files             ENUM('0','1') DEFAULT '0',
    user_group_two                     VARCHAR(20) DEFAULT '',
    failed_login_attempts_today        MEDIUMINT(8) UNSIGNED DEFAULT '0',
    failed_login_count_today           SMALLINT(6) UNSIGNED DEFAULT '0',
    failed_last_ip_today               VARCHAR(50) DEFAULT '',
    failed_last_type_today             VARCHAR(20) DEFAULT '',
    modify_dial_prefix                 ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    inbound_credits                    MEDIUMINT(7) DEFAULT '-1',
    hci_enabled                        ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    modify_stamp                       TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    manual_dial_lead_id                ENUM('Y','N','ONLY','DISABLED') DEFAULT 'DISABLED',
    PRIMARY KEY (user_id),
    UNIQUE KEY user (user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- vicidial_user_groups: read for the API IP lists (api_ip_list).  VICIdial
-- gives it no key at all; neither do we.
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_user_groups (
    user_group                    VARCHAR(20) NOT NULL,
    group_name                    VARCHAR(40) NOT NULL,
    allowed_campaigns             TEXT,
    qc_allowed_campaigns          TEXT,
    qc_allowed_inbound_groups     TEXT,
    group_shifts                  TEXT,
    forced_timeclock_login        ENUM('Y','N','ADMIN_EXEMPT') DEFAULT 'N',
    shift_enforcement             ENUM('OFF','START','ALL','ADMIN_EXEMPT') DEFAULT 'OFF',
    agent_status_viewable_groups  TEXT,
    agent_status_view_time        ENUM('Y','N') DEFAULT 'N',
    agent_call_log_view           ENUM('Y','N') DEFAULT 'N',
    agent_xfer_consultative       ENUM('Y','N') DEFAULT 'Y',
    agent_xfer_dial_override      ENUM('Y','N') DEFAULT 'Y',
    agent_xfer_vm_transfer        ENUM('Y','N') DEFAULT 'Y',
    agent_xfer_blind_transfer     ENUM('Y','N') DEFAULT 'Y',
    agent_xfer_dial_with_customer ENUM('Y','N') DEFAULT 'Y',
    agent_xfer_park_customer_dial ENUM('Y','N') DEFAULT 'Y',
    agent_fullscreen              ENUM('Y','N') DEFAULT 'N',
    allowed_reports               VARCHAR(4000) DEFAULT 'ALL REPORTS',
    webphone_url_override         VARCHAR(255) DEFAULT '',
    webphone_systemkey_override   VARCHAR(100) DEFAULT '',
    webphone_dialpad_override     ENUM('DISABLED','Y','N','TOGGLE','TOGGLE_OFF') DEFAULT 'DISABLED',
    admin_viewable_groups         TEXT,
    admin_viewable_call_times     TEXT,
    allowed_custom_reports        VARCHAR(2000) DEFAULT '',
    agent_allowed_chat_groups     TEXT,
    agent_xfer_park_3way          ENUM('Y','N') DEFAULT 'Y',
    admin_ip_list                 VARCHAR(30) DEFAULT '',
    agent_ip_list                 VARCHAR(30) DEFAULT '',
    api_ip_list                   VARCHAR(30) DEFAULT '',
    webphone_layout               VARCHAR(255) DEFAULT '',
    allowed_queue_groups          TEXT,
    reports_header_override       ENUM('DISABLED','LOGO_ONLY_SMALL','LOGO_ONLY_LARGE','ALT_1','ALT_2','ALT_3','ALT_4') DEFAULT 'DISABLED',
    admin_home_url                VARCHAR(255) DEFAULT '',
    script_id                     VARCHAR(20) DEFAULT '',
    modify_stamp                  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- system_settings: a single row, no keys.  The API reads the hashing
-- settings (pass_hash_enabled, pass_key, pass_cost), IP-list and 2FA switches
-- and a few display settings from it.
--
-- Its 255 columns add up to more than InnoDB's 8126-byte in-page row limit
-- if every short VARCHAR were filled to its width, so with innodb_strict_mode
-- ON (the default) InnoDB refuses the CREATE.  Real rows are a fraction of
-- that, and InnoDB checks the actual row on every write, so we relax the
-- check for this one statement (a warning instead of an error) and restore it.
-- ---------------------------------------------------------------------------
SET @nonagentd_saved_innodb_strict_mode = @@SESSION.innodb_strict_mode;
SET SESSION innodb_strict_mode = OFF;

CREATE TABLE system_settings (
    version                               VARCHAR(50),
    install_date                          VARCHAR(50),
    use_non_latin                         ENUM('0','1') DEFAULT '0',
    webroot_writable                      ENUM('0','1') DEFAULT '1',
    enable_queuemetrics_logging           ENUM('0','1') DEFAULT '0',
    queuemetrics_server_ip                VARCHAR(15),
    queuemetrics_dbname                   VARCHAR(50),
    queuemetrics_login                    VARCHAR(50),
    queuemetrics_pass                     VARCHAR(50),
    queuemetrics_url                      VARCHAR(255),
    queuemetrics_log_id                   VARCHAR(10) DEFAULT 'VIC',
    queuemetrics_eq_prepend               VARCHAR(255) DEFAULT 'NONE',
    vicidial_agent_disable                ENUM('NOT_ACTIVE','LIVE_AGENT','EXTERNAL','ALL') DEFAULT 'ALL',
    allow_sipsak_messages                 ENUM('0','1') DEFAULT '0',
    admin_home_url                        VARCHAR(255) DEFAULT '../vicidial/welcome.php',
    enable_agc_xfer_log                   ENUM('0','1') DEFAULT '0',
    db_schema_version                     INT(8) UNSIGNED DEFAULT '0',
    auto_user_add_value                   INT(9) UNSIGNED DEFAULT '101',
    timeclock_end_of_day                  VARCHAR(4) DEFAULT '0000',
    timeclock_last_reset_date             DATE,
    vdc_header_date_format                VARCHAR(50) DEFAULT 'MS_DASH_24HR  2008-06-24 23:59:59',
    vdc_customer_date_format              VARCHAR(50) DEFAULT 'AL_TEXT_AMPM  OCT 24, 2008 11:59:59 PM',
    vdc_header_phone_format               VARCHAR(50) DEFAULT 'US_PARN (000)000-0000',
    vdc_agent_api_active                  ENUM('0','1') DEFAULT '0',
    qc_last_pull_time                     DATETIME,
    enable_vtiger_integration             ENUM('0','1') DEFAULT '0',
    vtiger_server_ip                      VARCHAR(15),
    vtiger_dbname                         VARCHAR(50),
    vtiger_login                          VARCHAR(50),
    vtiger_pass                           VARCHAR(50),
    vtiger_url                            VARCHAR(255),
    qc_features_active                    ENUM('1','0') DEFAULT '0',
    outbound_autodial_active              ENUM('1','0') DEFAULT '1',
    outbound_calls_per_second             SMALLINT(3) UNSIGNED DEFAULT '10',
    enable_tts_integration                ENUM('0','1') DEFAULT '0',
    agentonly_callback_campaign_lock      ENUM('0','1') DEFAULT '1',
    sounds_central_control_active         ENUM('0','1') DEFAULT '0',
    sounds_web_server                     VARCHAR(50) DEFAULT '127.0.0.1',
    sounds_web_directory                  VARCHAR(255) DEFAULT '',
    active_voicemail_server               VARCHAR(15) DEFAULT '',
    auto_dial_limit                       VARCHAR(5) DEFAULT '4',
    user_territories_active               ENUM('0','1') DEFAULT '0',
    allow_custom_dialplan                 ENUM('0','1') DEFAULT '1',
    db_schema_update_date                 DATETIME,
    enable_second_webform                 ENUM('0','1') DEFAULT '1',
    default_webphone                      ENUM('1','0') DEFAULT '0',
    default_external_server_ip            ENUM('1','0') DEFAULT '0',
    webphone_url                          VARCHAR(255) DEFAULT '',
    static_agent_url                      VARCHAR(255) DEFAULT '',
    default_phone_code                    VARCHAR(8) DEFAULT '1',
    enable_agc_dispo_log                  ENUM('0','1') DEFAULT '0',
    custom_dialplan_entry                 TEXT,
    queuemetrics_loginout                 ENUM('STANDARD','CALLBACK','NONE') DEFAULT 'STANDARD',
    callcard_enabled                      ENUM('1','0') DEFAULT '0',
    queuemetrics_callstatus               ENUM('0','1') DEFAULT '1',
    default_codecs                        VARCHAR(100) DEFAULT '',
    custom_fields_enabled                 ENUM('0','1') DEFAULT '0',
    admin_web_directory                   VARCHAR(255) DEFAULT 'vicidial',
    label_title                           VARCHAR(60) DEFAULT '',
    label_first_name                      VARCHAR(60) DEFAULT '',
    label_middle_initial                  VARCHAR(60) DEFAULT '',
    label_last_name                       VARCHAR(60) DEFAULT '',
    label_address1                        VARCHAR(60) DEFAULT '',
    label_address2                        VARCHAR(60) DEFAULT '',
    label_address3                        VARCHAR(60) DEFAULT '',
    label_city                            VARCHAR(60) DEFAULT '',
    label_state                           VARCHAR(60) DEFAULT '',
    label_province                        VARCHAR(60) DEFAULT '',
    label_postal_code                     VARCHAR(60) DEFAULT '',
    label_vendor_lead_code                VARCHAR(60) DEFAULT '',
    label_gender                          VARCHAR(60) DEFAULT '',
    label_phone_number                    VARCHAR(60) DEFAULT '',
    label_phone_code                      VARCHAR(60) DEFAULT '',
    label_alt_phone                       VARCHAR(60) DEFAULT '',
    label_security_phrase                 VARCHAR(60) DEFAULT '',
    label_email                           VARCHAR(60) DEFAULT '',
    label_comments                        VARCHAR(60) DEFAULT '',
    slave_db_server                       VARCHAR(50) DEFAULT '',
    reports_use_slave_db                  VARCHAR(4000) DEFAULT '',
    webphone_systemkey                    VARCHAR(100) DEFAULT '',
    first_login_trigger                   ENUM('Y','N') DEFAULT 'N',
    hosted_settings                       VARCHAR(100) DEFAULT '',
    default_phone_registration_password   VARCHAR(100) DEFAULT 'test',
    default_phone_login_password          VARCHAR(100) DEFAULT 'test',
    default_server_password               VARCHAR(100) DEFAULT 'test',
    admin_modify_refresh                  SMALLINT(5) UNSIGNED DEFAULT '0',
    nocache_admin                         ENUM('0','1') DEFAULT '1',
    generate_cross_server_exten           ENUM('0','1') DEFAULT '0',
    queuemetrics_addmember_enabled        ENUM('0','1') DEFAULT '0',
    queuemetrics_dispo_pause              VARCHAR(6) DEFAULT '',
    label_hide_field_logs                 VARCHAR(6) DEFAULT 'Y',
    queuemetrics_pe_phone_append          ENUM('0','1') DEFAULT '0',
    test_campaign_calls                   ENUM('0','1') DEFAULT '0',
    agents_calls_reset                    ENUM('0','1') DEFAULT '1',
    voicemail_timezones                   TEXT,
    default_voicemail_timezone            VARCHAR(30) DEFAULT 'eastern',
    default_local_gmt                     VARCHAR(6) DEFAULT '-5.00',
    noanswer_log                          ENUM('Y','N') DEFAULT 'N',
    alt_log_server_ip                     VARCHAR(50) DEFAULT '',
    alt_log_dbname                        VARCHAR(50) DEFAULT '',
    alt_log_login                         VARCHAR(50) DEFAULT '',
    alt_log_pass                          VARCHAR(50) DEFAULT '',
    tables_use_alt_log_db                 VARCHAR(2000) DEFAULT '',
    did_agent_log                         ENUM('Y','N') DEFAULT 'N',
    campaign_cid_areacodes_enabled        ENUM('0','1') DEFAULT '1',
    pllb_grouping_limit                   SMALLINT(5) DEFAULT '100',
    did_ra_extensions_enabled             ENUM('0','1') DEFAULT '0',
    expanded_list_stats                   ENUM('0','1') DEFAULT '1',
    contacts_enabled                      ENUM('0','1') DEFAULT '0',
    svn_version                           VARCHAR(100) DEFAULT '',
    call_menu_qualify_enabled             ENUM('0','1') DEFAULT '0',
    admin_list_counts                     ENUM('0','1') DEFAULT '1',
    allow_voicemail_greeting              ENUM('0','1') DEFAULT '0',
    audio_store_purge                     TEXT,
    svn_revision                          INT(9) DEFAULT '0',
    queuemetrics_socket                   VARCHAR(20) DEFAULT 'NONE',
    queuemetrics_socket_url               TEXT,
    enhanced_disconnect_logging           ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    allow_emails                          ENUM('0','1') DEFAULT '0',
    level_8_disable_add                   ENUM('0','1') DEFAULT '0',
    pass_hash_enabled                     ENUM('0','1') DEFAULT '0',
    pass_key                              VARCHAR(100) DEFAULT '',
    pass_cost                             TINYINT(2) UNSIGNED DEFAULT '2',
    disable_auto_dial                     ENUM('0','1') DEFAULT '0',
    queuemetrics_record_hold              ENUM('0','1') DEFAULT '0',
    country_code_list_stats               ENUM('0','1') DEFAULT '0',
    reload_timestamp                      DATETIME,
    queuemetrics_pause_type               ENUM('0','1') DEFAULT '0',
    frozen_server_call_clear              ENUM('0','1') DEFAULT '0',
    callback_time_24hour                  ENUM('0','1') DEFAULT '0',
    active_modules                        TEXT,
    allow_chats                           ENUM('0','1') DEFAULT '0',
    enable_languages                      ENUM('0','1') DEFAULT '0',
    language_method                       VARCHAR(20) DEFAULT 'DISABLED',
    meetme_enter_login_filename           VARCHAR(255) DEFAULT '',
    meetme_enter_leave3way_filename       VARCHAR(255) DEFAULT '',
    enable_did_entry_list_id              ENUM('0','1') DEFAULT '0',
    enable_third_webform                  ENUM('0','1') DEFAULT '0',
    chat_url                              VARCHAR(255) COLLATE utf8mb3_unicode_ci,
    chat_timeout                          INT(3) UNSIGNED,
    agent_debug_logging                   VARCHAR(20) DEFAULT '0',
    default_language                      VARCHAR(100) DEFAULT 'default English',
    agent_whisper_enabled                 ENUM('0','1') DEFAULT '0',
    user_hide_realtime_enabled            ENUM('0','1') DEFAULT '0',
    custom_reports_use_slave_db           VARCHAR(2000) DEFAULT '',
    usacan_phone_dialcode_fix             ENUM('0','1') DEFAULT '0',
    cache_carrier_stats_realtime          ENUM('0','1') DEFAULT '0',
    oldest_logs_date                      DATETIME,
    log_recording_access                  ENUM('0', '1') DEFAULT '0',
    report_default_format                 ENUM('TEXT', 'HTML') DEFAULT 'TEXT',
    alt_ivr_logging                       ENUM('0', '1') DEFAULT '0',
    admin_row_click                       ENUM('0', '1') DEFAULT '1',
    admin_screen_colors                   VARCHAR(20) DEFAULT 'default',
    ofcom_uk_drop_calc                    ENUM('1','0') DEFAULT '0',
    agent_screen_colors                   VARCHAR(20) DEFAULT 'default',
    script_remove_js                      ENUM('1','0','2','3','4','5','6') DEFAULT '1',
    manual_auto_next                      ENUM('1','0') DEFAULT '0',
    user_new_lead_limit                   ENUM('1','0') DEFAULT '0',
    agent_xfer_park_3way                  ENUM('1','0') DEFAULT '0',
    rec_prompt_count                      INT(9) UNSIGNED DEFAULT '0',
    agent_soundboards                     ENUM('1','0') DEFAULT '0',
    web_loader_phone_length               VARCHAR(10) DEFAULT 'DISABLED',
    agent_script                          VARCHAR(50) DEFAULT 'vicidial.php',
    vdad_debug_logging                    ENUM('1','0') DEFAULT '0',
    agent_chat_screen_colors              VARCHAR(20) DEFAULT 'default',
    enable_auto_reports                   ENUM('1','0') DEFAULT '0',
    enable_pause_code_limits              ENUM('1','0') DEFAULT '0',
    enable_drop_lists                     ENUM('0','1','2') DEFAULT '0',
    allow_ip_lists                        ENUM('0','1','2') DEFAULT '0',
    system_ip_blacklist                   VARCHAR(30) DEFAULT '',
    agent_push_events                     ENUM('0','1') DEFAULT '0',
    agent_push_url                        TEXT,
    hide_inactive_lists                   ENUM('0','1') DEFAULT '0',
    allow_manage_active_lists             ENUM('0','1') DEFAULT '0',
    expired_lists_inactive                ENUM('0','1') DEFAULT '0',
    did_system_filter                     ENUM('0','1') DEFAULT '0',
    anyone_callback_inactive_lists        ENUM('default','NO_ADD_TO_HOPPER','KEEP_IN_HOPPER') DEFAULT 'default',
    enable_gdpr_download_deletion         ENUM('0','1','2') DEFAULT '0',
    source_id_display                     ENUM('0','1') DEFAULT '0',
    help_modification_date                VARCHAR(20) DEFAULT '0',
    agent_logout_link                     ENUM('0','1','2','3','4') DEFAULT '1',
    manual_dial_validation                ENUM('0','1','2','3','4') DEFAULT '0',
    mute_recordings                       ENUM('1','0') DEFAULT '0',
    user_admin_redirect                   ENUM('1','0') DEFAULT '0',
    list_status_modification_confirmation ENUM('1','0') DEFAULT '0',
    sip_event_logging                     ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    call_quota_lead_ranking               ENUM('0','1','2') DEFAULT '0',
    enable_second_script                  ENUM('0','1') DEFAULT '0',
    enable_first_webform                  ENUM('0','1') DEFAULT '1',
    recording_buttons                     VARCHAR(30) DEFAULT 'START_STOP',
    opensips_cid_name                     ENUM('0','1') DEFAULT '0',
    require_password_length               TINYINT(3) UNSIGNED DEFAULT '0',
    user_account_emails                   ENUM('DISABLED','SEND_NO_PASS','SEND_WITH_PASS') DEFAULT 'DISABLED',
    outbound_cid_any                      ENUM('DISABLED','API_ONLY') DEFAULT 'DISABLED',
    entries_per_page                      SMALLINT(5) UNSIGNED DEFAULT '0',
    browser_call_alerts                   ENUM('0','1','2') DEFAULT '0',
    queuemetrics_pausereason              ENUM('STANDARD','EVERY_NEW','EVERY_NEW_ADMINCALL','EVERY_NEW_ALLCALL') DEFAULT 'STANDARD',
    inbound_answer_config                 ENUM('0','1','2','3','4','5') DEFAULT '0',
    enable_international_dncs             ENUM('0','1') DEFAULT '0',
    web_loader_phone_strip                VARCHAR(10) DEFAULT 'DISABLED',
    manual_dial_phone_strip               VARCHAR(10) DEFAULT 'DISABLED',
    daily_call_count_limit                ENUM('0','1') DEFAULT '0',
    allow_shared_dial                     ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    agent_search_method                   ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    phone_defaults_container              VARCHAR(40) DEFAULT '---DISABLED---',
    qc_claim_limit                        TINYINT UNSIGNED DEFAULT '3',
    qc_expire_days                        TINYINT UNSIGNED DEFAULT '3',
    two_factor_auth_hours                 SMALLINT(5) DEFAULT '0',
    two_factor_container                  VARCHAR(40) DEFAULT '---DISABLED---',
    agent_hidden_sound                    VARCHAR(20) DEFAULT 'click_quiet',
    agent_hidden_sound_volume             TINYINT(3) UNSIGNED DEFAULT '25',
    agent_hidden_sound_seconds            TINYINT(3) UNSIGNED DEFAULT '0',
    agent_screen_timer                    VARCHAR(20) DEFAULT 'setTimeout',
    label_lead_id                         VARCHAR(60) DEFAULT '',
    label_list_id                         VARCHAR(60) DEFAULT '',
    label_entry_date                      VARCHAR(60) DEFAULT '',
    label_gmt_offset_now                  VARCHAR(60) DEFAULT '',
    label_source_id                       VARCHAR(60) DEFAULT '',
    label_called_since_last_reset         VARCHAR(60) DEFAULT '',
    label_status                          VARCHAR(60) DEFAULT '',
    label_user                            VARCHAR(60) DEFAULT '',
    label_date_of_birth                   VARCHAR(60) DEFAULT '',
    label_country_code                    VARCHAR(60) DEFAULT '',
    label_last_local_call_time            VARCHAR(60) DEFAULT '',
    label_called_count                    VARCHAR(60) DEFAULT '',
    label_rank                            VARCHAR(60) DEFAULT '',
    label_owner                           VARCHAR(60) DEFAULT '',
    label_entry_list_id                   VARCHAR(60) DEFAULT '',
    call_limit_24hour                     ENUM('0','1') DEFAULT '0',
    call_limit_24hour_reset               DATETIME DEFAULT '2000-01-01 00:00:01',
    allowed_sip_stacks                    ENUM('SIP','PJSIP','SIP_and_PJSIP') DEFAULT 'SIP',
    agent_hide_hangup                     ENUM('1','0','2','3','4','5','6') DEFAULT '0',
    allow_web_debug                       ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    max_logged_in_agents                  ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    user_codes_admin                      ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    login_kickall                         ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    abandon_check_queue                   ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    agent_notifications                   ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    demographic_quotas                    ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    log_latency_gaps                      ENUM('0','1','2','3','4','5','6','7') DEFAULT '1',
    inbound_credits                       ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    weekday_resets                        ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    two_factor_auth_agent_hours           SMALLINT(5) DEFAULT '0',
    highest_lead_id                       VARCHAR(20) DEFAULT '0',
    hopper_hold_inserts                   ENUM('0','1','2','3','4','5','6','7') DEFAULT '0',
    coldstorage_server_ip                 VARCHAR(50) DEFAULT '',
    coldstorage_dbname                    VARCHAR(50) DEFAULT '',
    coldstorage_login                     VARCHAR(50) DEFAULT '',
    coldstorage_pass                      VARCHAR(50) DEFAULT '',
    coldstorage_port                      VARCHAR(10) DEFAULT '',
    stereo_recording                      ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    enhanced_agent_monitoring             ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    agent_hide_dial_fail                  ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    agent_man_dial_filter                 VARCHAR(20) DEFAULT '',
    agent_3way_dial_filter                VARCHAR(20) DEFAULT ''
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

SET SESSION innodb_strict_mode = @nonagentd_saved_innodb_strict_mode;

-- ---------------------------------------------------------------------------
-- vicidial_conf_templates: Asterisk config templates; add_phone's
-- template_id must name one of these.
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_conf_templates (
    template_id       VARCHAR(15) NOT NULL,
    template_name     VARCHAR(50) NOT NULL,
    template_contents TEXT,
    user_group        VARCHAR(20) DEFAULT '---ALL---',
    UNIQUE KEY template_id (template_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- phones_alias: add_phone_alias / update_phone_alias.  VICIdial declares the
-- id "NOT NULL UNIQUE PRIMARY KEY", which makes two identical keys; kept.
-- ---------------------------------------------------------------------------
CREATE TABLE phones_alias (
    alias_id    VARCHAR(20) NOT NULL,
    alias_name  VARCHAR(50),
    logins_list VARCHAR(255),
    user_group  VARCHAR(20) DEFAULT '---ALL---',
    PRIMARY KEY (alias_id),
    UNIQUE KEY alias_id (alias_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- vicidial_admin_log: one row per successful change (event_section 'PHONES').
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_admin_log (
    admin_log_id  INT(9) UNSIGNED NOT NULL AUTO_INCREMENT,
    event_date    DATETIME NOT NULL,
    user          VARCHAR(20) NOT NULL,
    ip_address    VARCHAR(15) NOT NULL,
    event_section VARCHAR(30) NOT NULL,
    event_type    ENUM('ADD','COPY','LOAD','RESET','MODIFY','DELETE','SEARCH','LOGIN','LOGOUT','CLEAR','OVERRIDE','EXPORT','OTHER') DEFAULT 'OTHER',
    record_id     VARCHAR(50) NOT NULL,
    event_code    VARCHAR(255) NOT NULL,
    event_sql     MEDIUMTEXT,
    event_notes   MEDIUMTEXT,
    user_group    VARCHAR(20) DEFAULT '---ALL---',
    PRIMARY KEY (admin_log_id),
    KEY user (user),
    KEY event_section (event_section),
    KEY record_id (record_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- vicidial_api_log and its helpers: one api_log row per answered call;
-- webserver and api_url point at vicidial_webservers and vicidial_urls, and
-- vicidial_api_urls keeps the full request URL under the same api_id.
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_api_log (
    api_id        INT(9) UNSIGNED NOT NULL AUTO_INCREMENT,
    user          VARCHAR(20) NOT NULL,
    api_date      DATETIME,
    api_script    VARCHAR(10),
    function      VARCHAR(20) NOT NULL,
    agent_user    VARCHAR(20),
    value         VARCHAR(255),
    result        VARCHAR(10),
    result_reason VARCHAR(255),
    source        VARCHAR(20),
    data          TEXT,
    run_time      VARCHAR(20) DEFAULT '0',
    webserver     SMALLINT(5) UNSIGNED DEFAULT '0',
    api_url       INT(9) UNSIGNED DEFAULT '0',
    PRIMARY KEY (api_id),
    KEY api_date (api_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE vicidial_webservers (
    webserver_id SMALLINT(5) UNSIGNED NOT NULL AUTO_INCREMENT,
    webserver    VARCHAR(125) DEFAULT '',
    hostname     VARCHAR(125) DEFAULT '',
    PRIMARY KEY (webserver_id),
    UNIQUE KEY vdweb (webserver, hostname)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- url is VARCHAR(250) in a fresh install (upgraded systems have 255).
CREATE TABLE vicidial_urls (
    url_id INT(9) UNSIGNED NOT NULL AUTO_INCREMENT,
    url    VARCHAR(250) DEFAULT '',
    PRIMARY KEY (url_id),
    UNIQUE KEY url (url)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- api_id is not AUTO_INCREMENT: it repeats vicidial_api_log.api_id.
CREATE TABLE vicidial_api_urls (
    api_id    INT(9) UNSIGNED NOT NULL,
    api_date  DATETIME,
    remote_ip VARCHAR(50),
    url       MEDIUMTEXT,
    PRIMARY KEY (api_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ---------------------------------------------------------------------------
-- Tables the login check can consult (docs/api.md, the login refusals): IP allow/deny lists,
-- two-factor authorisations, and pending automated reports (an authorised
-- pending report lets its user past the 2FA check).
-- ---------------------------------------------------------------------------
CREATE TABLE vicidial_ip_lists (
    ip_list_id   VARCHAR(30) NOT NULL,
    ip_list_name VARCHAR(100),
    active       ENUM('N','Y') DEFAULT 'N',
    user_group   VARCHAR(20) DEFAULT '---ALL---',
    UNIQUE KEY ip_list_id (ip_list_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE vicidial_ip_list_entries (
    ip_list_id VARCHAR(30) NOT NULL,
    ip_address VARCHAR(45) NOT NULL,
    KEY ip_list_id (ip_list_id),
    KEY ip_address (ip_address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

CREATE TABLE vicidial_two_factor_auth (
    auth_date          DATETIME,
    auth_exp_date      DATETIME,
    user               VARCHAR(20) DEFAULT '',
    auth_stage         ENUM('0','1','2','3','4','5','6') DEFAULT '0',
    auth_code          VARCHAR(20) DEFAULT '',
    auth_code_exp_date DATETIME,
    auth_method        VARCHAR(20) DEFAULT 'EMAIL',
    auth_attempts      SMALLINT(5) DEFAULT '0',
    KEY user (user),
    KEY auth_date (auth_date),
    KEY auth_exp_date (auth_exp_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- Only the login check reads this table; its columns are those of VICIdial's
-- own vicidial_pending_ar as a MariaDB 10.11 dump of a VICIdial 2.14 database
-- shows them.
CREATE TABLE vicidial_pending_ar (
    ar_id          INT(10) UNSIGNED NOT NULL AUTO_INCREMENT,
    report_id      VARCHAR(30) DEFAULT '',
    start_datetime DATETIME,
    php_script     VARCHAR(50) DEFAULT '',
    user           VARCHAR(20),
    status         ENUM('TRIGGERED','AUTHORIZED','COMPLETED','ERROR') DEFAULT 'TRIGGERED',
    notes          TEXT,
    PRIMARY KEY (ar_id),
    KEY pending_ar_key (user, start_datetime)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_unicode_ci;

-- ===========================================================================
-- Seed rows of a fresh VICIdial install.
-- ===========================================================================

-- The single system_settings row: VICIdial inserts version, install_date and
-- first_login_trigger, then later statements set auto_user_add_value,
-- vdc_agent_api_active and finally db_schema_version (with its update date
-- and reload_timestamp).  This is the net result of those statements; the
-- install's qc_last_pull_time and voicemail_timezones text are left out
-- (nothing in the API reads them).  pass_key stays '' and pass_cost 2, as in
-- every fresh install: admin.php only fills pass_key on its first page load.
INSERT INTO system_settings
    (version, install_date, first_login_trigger, auto_user_add_value,
     vdc_agent_api_active, db_schema_version, db_schema_update_date,
     reload_timestamp)
VALUES
    ('2.14b0.5', CURDATE(), 'Y', '1101',
     '1', '1728', NOW(),
     NOW());

-- The phone templates every install has.  template_contents here is short
-- plausible Asterisk peer text, not VICIdial's exact text: nothing reads it.
INSERT INTO vicidial_conf_templates (template_id, template_name, template_contents)
VALUES
    ('SIP_generic', 'SIP phone generic', 'type=friend\nhost=dynamic\ncontext=default'),
    ('IAX_generic', 'IAX phone generic', 'type=friend\nhost=dynamic\nauth=md5\ncontext=default');

-- The administrators' user group, as a fresh install has it.
INSERT INTO vicidial_user_groups
    (user_group, group_name, allowed_campaigns, agent_status_viewable_groups,
     admin_viewable_groups, admin_viewable_call_times, agent_allowed_chat_groups)
VALUES
    ('ADMIN', 'VICIDIAL ADMINISTRATORS', ' -ALL-CAMPAIGNS- - -', ' --ALL-GROUPS-- ',
     ' ---ALL--- ', ' ---ALL--- ', ' --ALL-GROUPS-- ');
