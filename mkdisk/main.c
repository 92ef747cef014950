// SPDX-License-Identifier: MIT
/*
 * main.c - mkdisk: build a disk image that boots a Linux bzImage under
 * legacy BIOS (stage1 in the MBR, stage2 after it) and UEFI (BOOTX64.EFI
 * in the EFI System Partition), both reading the same /bzboot.cfg, kernel
 * and initrds from one FAT32 partition.
 *
 *   mkdisk -o OUT --kernel BZIMAGE [--initrd FILE]... --cmdline "STRING"
 *          [--size MiB] [--disk-id HEX] [--hashes] [--enroll-config]
 *          [--sb-key KEY --sb-cert CERT] [--gpt] [--format raw|qcow2]
 *          [--rootfs DIR [--rootfs-size MiB]]
 *   mkdisk inspect FILE [--json] [--mem MiB] [--initrd-size BYTES]
 *   mkdisk install DISK ... (install.c)
 *   mkdisk set-default|set-oneshot IMAGE ENTRY
 *
 * The inspect subcommand (inspect.c) only reads FILE and explains it: what
 * it is, every setup header field, and where the loaders would put it.
 * set-default and set-oneshot (env.c) rewrite the image's environment
 * file, /loader/bzboot.env, in place.
 *
 * Everything is checked before anything is written: the kernel with the
 * same code and words as the loaders (common/bzimage.c), each initrd, the
 * command line against the kernel's cmdline_size, the output path, and
 * whether the files fit the size. The image is built in OUT.tmp.XXXXXX
 * beside OUT and renamed over OUT only when it is complete and read back;
 * a qcow2 image is converted from that raw one by qemu-img into a second
 * temporary file, which takes OUT's place. On any failure, or
 * SIGINT/SIGTERM/SIGHUP, the temporary files are removed and OUT is left
 * as it was. An input is never written to.
 *
 * --rootfs DIR adds an ext4 root partition after the ESP (rootfs.c): mke2fs
 * makes it from DIR in a third temporary file, OUT.rootfs.XXXXXX, which is
 * copied into the image and removed; the entry's command line gets
 * root=PARTUUID=... unless it names a root= itself.
 *
 * The same inputs and options give the same bytes: the time stamps are
 * SOURCE_DATE_EPOCH's (or 1980-01-01 when it is unset), the disk signature,
 * the FAT volume ID and the GPT's GUIDs a hash of every input and option
 * (or of --disk-id),
 * and the files go in in one order. Anything else that changes, such as
 * OUT's name or the time of day, does not reach the image.
 *
 * --hashes writes each kernel and initrd path in the config with its
 * SHA-256 ("/boot/vmlinuz#HASH"), which both loaders check as they load
 * the file; --enroll-config (which implies --hashes) also writes the
 * config's own SHA-256 into the copies of stage2 and BOOTX64.EFI that go
 * onto the image, so that they refuse any other config (README, "Trust");
 * --sb-key and --sb-cert (which imply --enroll-config) then sign that
 * BOOTX64.EFI for UEFI Secure Boot with sbsign, before anything is
 * written: enrolling after signing would break the signature.
 *
 * Runs on the build machine (hosted C). Errors: one line
 * "mkdisk: error: FILE: problem" on stderr and exit 1; bad usage exits 2.
 */
/* mkostemp(), pipe2() */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bls.h"
#include "bootenv.h"
#include "bzimage.h"
#include "config.h"
#include "layout.h"
#include "mbr.h"
#include "mkdisk.h"
#include "sha256.h"

#define USAGE_LINE \
	"usage: mkdisk -o OUT --kernel BZIMAGE [--initrd FILE]... " \
	"{--cmdline \"STRING\" [--bls] | --config FILE} [--size MiB] " \
	"[--disk-id HEX]\n" \
	"              [--hashes] [--enroll-config] " \
	"[--sb-key KEY --sb-cert CERT] [--gpt]\n" \
	"              [--format raw|qcow2] [--rootfs DIR [--rootfs-size MiB]]\n" \
	"       mkdisk -o OUT {--entry NAME --kernel BZIMAGE [--initrd FILE]... " \
	"--cmdline \"STRING\"}... [--bls] [--size MiB] [--disk-id HEX]\n" \
	"              [--hashes] [--enroll-config] " \
	"[--sb-key KEY --sb-cert CERT] [--gpt] [--format raw|qcow2]"


/*
 * The ext4 superblock (Documentation/filesystems/ext4/super.rst): 1024
 * bytes into the file system, s_magic at 0x38.
 */
#define EXT4_SUPERBLOCK_OFFSET	1024
#define EXT4_SUPERBLOCK_BYTES	1024
#define EXT4_MAGIC_OFFSET	0x38
#define EXT4_MAGIC		0xef53
/* The root partition's number on MBR (the ESP is partition 1). */
#define MKDISK_ROOT_MBR_PARTITION	2

/*
 * Default size: the files, half as much again so that a newer kernel or
 * initrd can be copied in with mcopy later, and 16 MiB; at least 64 MiB.
 */
#define DEFAULT_SLACK_BYTES	(16ULL * MKDISK_MIB)

/* One file copied into the partition. */
struct input {
	const char *host_path;		/* as given; NULL when built in */
	char fat_path[96];		/* "/boot/vmlinuz" */
	const char *role;		/* "kernel", "initrd" */
	const void *data;		/* built-in data, or NULL */
	char sha256_hex[SHA256_HEX_LEN + 1];	/* --hashes; else "" */
	uint64_t size_bytes;
	dev_t dev;
	ino_t ino;
};

/* One entry: --entry NAME and the options after it, or the only one. */
struct entry_opt {
	const char *name;
	const char *kernel;
	const char **initrds;
	unsigned initrd_count;
	const char *cmdline;
	unsigned first_input;		/* its kernel in inputs[], initrds next */
};

struct options {
	const char *out;
	struct entry_opt entry[CONFIG_MAX_ENTRIES];
	unsigned entry_count;
	bool named;			/* --entry given: several may follow */
	const char **initrd_pool;	/* every --initrd, entry by entry */
	unsigned initrd_total;
	uint64_t size_mib;		/* 0: choose */
	uint32_t disk_id;		/* 0: from the hash of the inputs */
	bool hashes;			/* path#SHA256 in the config */
	bool enroll_config;		/* the config's hash into the loaders */
	const char *sb_key, *sb_cert;	/* sign BOOTX64.EFI with these */
	enum image_table table;		/* --gpt */
	bool qcow2;			/* --format, or OUT's suffix */
	const char *rootfs;		/* --rootfs DIR, or NULL */
	uint64_t rootfs_mib;		/* --rootfs-size; 0: choose */
	const char *config;		/* --config FILE, or NULL */
	bool bls;			/* --bls: the entry as a BLS file */
};

/* The entry's name without --entry, as config_format_single() writes. */
#define MKDISK_ENTRY_NAME	"linux"
/* --bls: each entry's file is BLS_ENTRIES_DIR/bzboot-NAME.conf. */
#define MKDISK_BLS_PREFIX	"bzboot-"
/* Several entries show the menu for this long. */
#define MKDISK_MENU_TIMEOUT	5

/*
 * The temporary output files, for mkdisk_die() and the signal handler:
 * the raw image, the qcow2 one converted from it, the ext4 that mke2fs
 * makes for --rootfs before it goes into the image, and BOOTX64.EFI
 * before and after sbsign for --sb-key. exists is set only while the
 * file is there and ours to remove.
 */
enum temp_id { TEMP_RAW, TEMP_QCOW2, TEMP_ROOTFS, TEMP_UNSIGNED, TEMP_SIGNED,
	       TEMP_COUNT };
static struct {
	char path[PATH_MAX];
	volatile sig_atomic_t exists;
} temps[TEMP_COUNT];
#define TEMP_ALL	((1u << TEMP_COUNT) - 1)
static volatile sig_atomic_t child_pid;

/* The signals that end mkdisk and must not leave the temporary file. */
static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define HANDLED_SIGNAL_COUNT \
	(sizeof(handled_signals) / sizeof(handled_signals[0]))

/* Hold the signals back while temps[] changes. */
static void signals_block(sigset_t *old)
{
	sigset_t block;
	unsigned i;

	sigemptyset(&block);
	for (i = 0; i < HANDLED_SIGNAL_COUNT; i++)
		sigaddset(&block, handled_signals[i]);
	sigprocmask(SIG_BLOCK, &block, old);
}

static void signals_restore(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Only async-signal-safe calls: the signal handler uses it too. */
static void unlink_temps(unsigned which)
{
	for (unsigned t = 0; t < TEMP_COUNT; t++) {
		if (!(which & 1u << t) || !temps[t].exists)
			continue;
		unlink(temps[t].path);
		temps[t].exists = 0;
	}
}

/* Remove the temporary files in which (1 << TEMP_...), those that exist. */
static void remove_temps(unsigned which)
{
	sigset_t old;

	signals_block(&old);
	unlink_temps(which);
	signals_restore(&old);
}

void mkdisk_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("mkdisk: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	remove_temps(TEMP_ALL);
	exit(1);
}

void mkdisk_set_child(int pid)
{
	child_pid = pid;
}

/* Only async-signal-safe calls: kill, unlink, signal, raise. */
static void on_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, SIGTERM);
	unlink_temps(TEMP_ALL);
	/* Die of the same signal, so the caller sees how mkdisk ended. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	struct sigaction sa;
	unsigned i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < HANDLED_SIGNAL_COUNT; i++)
		sigaddset(&sa.sa_mask, handled_signals[i]);
	for (i = 0; i < HANDLED_SIGNAL_COUNT; i++)
		sigaction(handled_signals[i], &sa, NULL);
}

static void print_help(void)
{
	printf(USAGE_LINE "\n"
	       "\n"
	       "Build a disk image that boots a Linux bzImage with bzboot,\n"
	       "under legacy BIOS and under UEFI:\n"
	       "  LBA 0      MBR: stage1, one partition (active, type 0xEF)\n"
	       "  LBA 1..    stage2\n"
	       "  LBA %u   FAT32: " MKDISK_EFI_PATH ", " CONFIG_PATH
	       ",\n"
	       "             " MKDISK_KERNEL_PATH ", /boot/initrd-1.img, ...\n"
	       "With --gpt:\n"
	       "  LBA 0      protective MBR: stage1, one entry of type 0xEE\n"
	       "  LBA 1-33   primary GPT header and entries\n"
	       "  LBA %u-%u BIOS boot partition: stage2\n"
	       "  LBA %u   EFI System Partition: FAT32, the same files\n"
	       "  last 33    backup GPT entries and header\n"
	       "With --rootfs, a root partition follows the ESP: type 0x83 "
	       "(partition 2) on\n"
	       "MBR, the x86-64 root of the Discoverable Partitions "
	       "Specification (partition 3)\n"
	       "on GPT.\n"
	       "\n"
	       "  -o, --output OUT     the image to write (replaced only when "
	       "all went well)\n"
	       "  --kernel BZIMAGE     the kernel (arch/x86/boot/bzImage, "
	       "/boot/vmlinuz-*)\n"
	       "  --initrd FILE        an initrd; repeat for more (up to %u), "
	       "loaded in order\n"
	       "  --cmdline STRING     the kernel command line (may be empty)\n"
	       "  --entry NAME         start an entry: the --kernel, "
	       "--initrd and --cmdline\n"
	       "                       after it are its own (up to %u "
	       "entries; a menu of %u s)\n"
	       "  --bls                each entry as a Boot Loader "
	       "Specification file,\n"
	       "                       " BLS_ENTRIES_DIR "/" MKDISK_BLS_PREFIX
	       "NAME.conf, not in " CONFIG_PATH "\n"
	       "  --config FILE        install FILE as " CONFIG_PATH
	       " (checked; its paths\n"
	       "                       must be files of the image), "
	       "instead of --cmdline\n"
	       "  --size MiB           image size; default: the files, room "
	       "to spare,\n"
	       "                       at least %u\n"
	       "  --disk-id HEX        the MBR disk signature and the FAT "
	       "volume ID, 32 bits,\n"
	       "                       not 0 (Linux: root=PARTUUID=HEX-01); "
	       "default: from a\n"
	       "                       hash of every input and option; with "
	       "--gpt the GUIDs\n"
	       "                       come from a hash of HEX\n"
	       "  --hashes             write each kernel and initrd path in "
	       CONFIG_PATH "\n"
	       "                       with its SHA-256 (PATH#HASH); the "
	       "loaders refuse a\n"
	       "                       file that does not match\n"
	       "  --enroll-config      --hashes, and write " CONFIG_PATH
	       "'s SHA-256 into\n"
	       "                       stage2 and BOOTX64.EFI: they refuse "
	       "any other config\n"
	       "                       and any entry with a file without a "
	       "hash\n"
	       "  --sb-key KEY         --enroll-config, then sign "
	       "BOOTX64.EFI for UEFI\n"
	       "  --sb-cert CERT       Secure Boot with sbsign (sbsigntool): "
	       "the private key\n"
	       "                       and its X.509 certificate, PEM; "
	       "give both\n"
	       "  --gpt                a GPT instead of an MBR partition "
	       "table\n"
	       "  --format raw|qcow2   the image file's format; default: "
	       "qcow2 when OUT ends\n"
	       "                       in .qcow2 (made by qemu-img from the "
	       "raw image), else raw\n"
	       "  --rootfs DIR         a root partition with an ext4 made "
	       "from DIR by mke2fs -d\n"
	       "                       (no root needed; files keep DIR's "
	       "owners, modes, times);\n"
	       "                       the cmdline gets root=PARTUUID=... "
	       "unless it has root=\n"
	       "  --rootfs-size MiB    its size; default: twice what DIR "
	       "holds, plus 64 MiB.\n"
	       "                       --size, if given, is the whole "
	       "image's, root included\n"
	       "  -h, --help           this text\n"
	       "\n"
	       "The same inputs and options give the same image, byte for "
	       "byte. Files and\n"
	       "directories are dated SOURCE_DATE_EPOCH (seconds since "
	       "1970, UTC), or\n"
	       "1980-01-01 00:00:00 UTC when it is unset.\n"
	       "\n"
	       "Explain a kernel (or any file) and where the loaders would "
	       "put it:\n"
	       "  " INSPECT_USAGE "\n"
	       "\n"
	       "Install onto a disk that is already partitioned: "
	       "mkdisk install --help\n"
	       "The next boot's entry (set-oneshot), or the default from "
	       "now on (set-default),\n"
	       "in " BOOTENV_PATH " of a raw image; \"\" empties it:\n"
	       "  " ENV_USAGE "\n"
	       "\n"
	       "Change the files later without mkdisk, e.g.:\n"
	       "  mcopy -o -i OUT@@1M bzImage ::" MKDISK_KERNEL_PATH "\n"
	       "  mtype -i OUT@@1M ::" CONFIG_PATH "\n"
	       "(a raw image only; for a qcow2 image see the README).\n"
	       "mke2fs is $MKE2FS, or the one in PATH, /usr/sbin or /sbin.\n",
	       PARTITION_START_LBA, GPT_STAGE2_LBA, PARTITION_START_LBA - 1,
	       PARTITION_START_LBA, CONFIG_MAX_INITRDS, CONFIG_MAX_ENTRIES,
	       MKDISK_MENU_TIMEOUT, MKDISK_MIN_SIZE_MIB);
}

void mkdisk_usage_error(const char *usage_line, const char *fmt, ...)
{
	va_list ap;

	fputs("mkdisk: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s\n", usage_line);
	exit(2);
}

#define usage_error(...) mkdisk_usage_error(USAGE_LINE, __VA_ARGS__)

static uint64_t parse_size_mib(const char *arg)
{
	unsigned long long mib;
	char *end;

	errno = 0;
	mib = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno)
		usage_error("--size %s: not a whole number of MiB", arg);
	if (mib < MKDISK_MIN_SIZE_MIB)
		usage_error("--size %s: too small, FAT32 needs at least %u MiB",
			    arg, MKDISK_MIN_SIZE_MIB);
	if (mib > MKDISK_MAX_SIZE_MIB)
		usage_error("--size %s: too large, an MBR partition table "
			    "ends at %llu MiB", arg, MKDISK_MAX_SIZE_MIB);
	return mib;
}

/* The root partition: at least ROOTFS_MIN_MIB, at most what MBR holds. */
#define ROOTFS_MIN_MIB	8
static uint64_t parse_rootfs_mib(const char *arg)
{
	unsigned long long mib;
	char *end;

	errno = 0;
	mib = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno)
		usage_error("--rootfs-size %s: not a whole number of MiB", arg);
	if (mib < ROOTFS_MIN_MIB)
		usage_error("--rootfs-size %s: too small, give at least %u MiB",
			    arg, ROOTFS_MIN_MIB);
	if (mib > MKDISK_MAX_SIZE_MIB)
		usage_error("--rootfs-size %s: too large, an MBR partition "
			    "table ends at %llu MiB", arg, MKDISK_MAX_SIZE_MIB);
	return mib;
}

/* 1 to 8 hex digits, "0x" allowed: a 32-bit identifier, never 0. */
static uint32_t parse_disk_id(const char *arg)
{
	const char *digits = arg;
	unsigned long value;

	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X'))
		digits += 2;
	if (strspn(digits, "0123456789abcdefABCDEF") != strlen(digits) ||
	    !digits[0] || strlen(digits) > 8)
		usage_error("--disk-id %s: not a 32-bit hexadecimal number "
			    "(1 to 8 hex digits, e.g. 1a2b3c4d)", arg);
	value = strtoul(digits, NULL, 16);
	if (value == 0)
		usage_error("--disk-id %s: must not be 0, which means "
			    "\"no signature\"", arg);
	return (uint32_t)value;
}

/* A new entry, its initrds next in the pool. */
static struct entry_opt *entry_new(struct options *opt, const char *name)
{
	struct entry_opt *e = &opt->entry[opt->entry_count++];

	e->name = name;
	e->initrds = opt->initrd_pool + opt->initrd_total;
	return e;
}

/* The entry options go to: the last --entry, or the only one. */
static struct entry_opt *entry_current(struct options *opt)
{
	if (opt->entry_count == 0)
		return entry_new(opt, MKDISK_ENTRY_NAME);
	return &opt->entry[opt->entry_count - 1];
}

static void parse_args(int argc, char **argv, struct options *opt)
{
	enum { OPT_KERNEL = 256, OPT_INITRD, OPT_CMDLINE, OPT_SIZE,
	       OPT_DISK_ID, OPT_HASHES, OPT_ENROLL_CONFIG, OPT_SB_KEY,
	       OPT_SB_CERT, OPT_GPT, OPT_FORMAT, OPT_ROOTFS, OPT_ROOTFS_SIZE,
	       OPT_CONFIG, OPT_BLS, OPT_ENTRY };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "disk-id", required_argument, NULL, OPT_DISK_ID },
		{ "hashes", no_argument, NULL, OPT_HASHES },
		{ "enroll-config", no_argument, NULL, OPT_ENROLL_CONFIG },
		{ "sb-key", required_argument, NULL, OPT_SB_KEY },
		{ "sb-cert", required_argument, NULL, OPT_SB_CERT },
		{ "gpt", no_argument, NULL, OPT_GPT },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "rootfs", required_argument, NULL, OPT_ROOTFS },
		{ "rootfs-size", required_argument, NULL, OPT_ROOTFS_SIZE },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "bls", no_argument, NULL, OPT_BLS },
		{ "entry", required_argument, NULL, OPT_ENTRY },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *format = NULL;
	struct entry_opt *e;
	unsigned i;
	size_t len;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->initrd_pool = calloc((size_t)argc, sizeof(*opt->initrd_pool));
	if (!opt->initrd_pool)
		mkdisk_die("out of memory");

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (opt->out)
				usage_error("-o given twice");
			opt->out = optarg;
			break;
		case OPT_ENTRY:
			if (opt->entry_count && !opt->named)
				usage_error("--entry %s: the --kernel, --initrd "
					    "and --cmdline of each entry come "
					    "after its --entry", optarg);
			if (opt->entry_count == CONFIG_MAX_ENTRIES)
				usage_error("--entry %s: more than %u entries",
					    optarg, CONFIG_MAX_ENTRIES);
			opt->named = true;
			e = entry_new(opt, optarg);
			break;
		case OPT_KERNEL:
			e = entry_current(opt);
			if (e->kernel)
				usage_error("--kernel given twice for entry %s",
					    e->name);
			e->kernel = optarg;
			break;
		case OPT_INITRD:
			e = entry_current(opt);
			e->initrds[e->initrd_count++] = optarg;
			opt->initrd_total++;
			break;
		case OPT_CMDLINE:
			e = entry_current(opt);
			if (e->cmdline)
				usage_error("--cmdline given twice for entry %s",
					    e->name);
			e->cmdline = optarg;
			break;
		case OPT_SIZE:
			if (opt->size_mib)
				usage_error("--size given twice");
			opt->size_mib = parse_size_mib(optarg);
			break;
		case OPT_DISK_ID:
			if (opt->disk_id)
				usage_error("--disk-id given twice");
			opt->disk_id = parse_disk_id(optarg);
			break;
		case OPT_HASHES:
			opt->hashes = true;
			break;
		case OPT_ENROLL_CONFIG:
			/* An enrolled loader boots only pinned files. */
			opt->enroll_config = true;
			opt->hashes = true;
			break;
		case OPT_SB_KEY:
			if (opt->sb_key)
				usage_error("--sb-key given twice");
			opt->sb_key = optarg;
			break;
		case OPT_SB_CERT:
			if (opt->sb_cert)
				usage_error("--sb-cert given twice");
			opt->sb_cert = optarg;
			break;
		case OPT_GPT:
			if (opt->table == IMAGE_GPT)
				usage_error("--gpt given twice");
			opt->table = IMAGE_GPT;
			break;
		case OPT_FORMAT:
			if (format)
				usage_error("--format given twice");
			format = optarg;
			if (strcmp(format, "raw") && strcmp(format, "qcow2"))
				usage_error("--format %s: not raw or qcow2",
					    format);
			break;
		case OPT_ROOTFS:
			if (opt->rootfs)
				usage_error("--rootfs given twice");
			if (!optarg[0])
				usage_error("--rootfs: empty directory name");
			opt->rootfs = optarg;
			break;
		case OPT_ROOTFS_SIZE:
			if (opt->rootfs_mib)
				usage_error("--rootfs-size given twice");
			opt->rootfs_mib = parse_rootfs_mib(optarg);
			break;
		case OPT_CONFIG:
			if (opt->config)
				usage_error("--config given twice");
			opt->config = optarg;
			break;
		case OPT_BLS:
			opt->bls = true;
			break;
		case 'h':
			print_help();
			exit(0);
		case ':':
			usage_error("%s needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument %s", argv[optind]);
	if (!opt->out)
		usage_error("no output: give -o OUT");
	if (!opt->out[0])
		usage_error("-o: empty file name");
	len = strlen(opt->out);
	if (format)
		opt->qcow2 = !strcmp(format, "qcow2");
	else
		opt->qcow2 = len > 6 && !strcmp(opt->out + len - 6, ".qcow2");
	if (!opt->sb_key != !opt->sb_cert)
		usage_error("%s without %s: give both to sign BOOTX64.EFI",
			    opt->sb_key ? "--sb-key" : "--sb-cert",
			    opt->sb_key ? "--sb-cert" : "--sb-key");
	/*
	 * A signed loader whose config anyone can replace vouches for
	 * nothing: under Secure Boot BOOTX64.EFI boots only an enrolled one.
	 */
	if (opt->sb_key) {
		opt->enroll_config = true;
		opt->hashes = true;
	}
	if (opt->entry_count == 0)
		usage_error("no kernel: give --kernel BZIMAGE");
	if (opt->config && opt->named)
		usage_error("--config and --entry: the entries are the "
			    "config's");
	if (opt->config && opt->entry[0].cmdline)
		usage_error("--config and --cmdline: the command lines are "
			    "the config's");
	if (opt->config && opt->bls)
		usage_error("--config and --bls: the entries are the "
			    "config's");
	if (opt->bls && opt->enroll_config)
		usage_error("--bls and --enroll-config: BLS entries carry no "
			    "SHA-256, an enrolled loader does not boot them");
	if (opt->bls && opt->hashes)
		usage_error("--bls and --hashes: a BLS entry has no place for "
			    "a file's SHA-256");
	if (opt->config && opt->hashes && !opt->enroll_config)
		usage_error("--config and --hashes: the paths are the "
			    "config's; write PATH#HASH there");
	for (i = 0; i < opt->entry_count; i++) {
		e = &opt->entry[i];
		if (!e->kernel && opt->named)
			usage_error("entry %s has no --kernel", e->name);
		if (!e->kernel)
			usage_error("no kernel: give --kernel BZIMAGE");
		if (!e->cmdline && !opt->config && opt->named)
			usage_error("entry %s has no --cmdline (\"\" for none)",
				    e->name);
		if (!e->cmdline && !opt->config)
			usage_error("no command line: give --cmdline "
				    "\"STRING\" (\"\" for none) or --config "
				    "FILE");
		if (e->initrd_count > CONFIG_MAX_INITRDS)
			mkdisk_die("--initrd: %u initrds, the loaders' config "
				   "takes at most %u", e->initrd_count,
				   CONFIG_MAX_INITRDS);
	}
	if (opt->rootfs_mib && !opt->rootfs)
		usage_error("--rootfs-size without --rootfs DIR");
	if (opt->rootfs && (opt->config || opt->bls || opt->named))
		usage_error("--rootfs with --config, --bls or --entry: mkdisk "
			    "writes root=PARTUUID= into its own one entry "
			    "only");
	if (opt->rootfs_mib && opt->size_mib &&
	    opt->size_mib < opt->rootfs_mib + MKDISK_MIN_SIZE_MIB)
		usage_error("--size %llu: the root partition's %llu MiB leaves "
			    "less than the %u MiB FAT32 needs",
			    (unsigned long long)opt->size_mib,
			    (unsigned long long)opt->rootfs_mib,
			    MKDISK_MIN_SIZE_MIB);
}

/* The kernel: a bzImage the loaders will take, by their own rules. */
static void check_kernel(const char *path, struct bzimage_info *info,
			 struct input *in)
{
	struct stat st;

	mkdisk_check_kernel(path, info, &st);
	in->host_path = path;
	in->role = "kernel";
	snprintf(in->fat_path, sizeof(in->fat_path), "%s", MKDISK_KERNEL_PATH);
	in->size_bytes = (uint64_t)st.st_size;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
}

/* An initrd: a non-empty regular file we can read. */
static void check_initrd(const char *path, unsigned number, struct input *in)
{
	struct stat st;
	uint8_t byte;
	int fd;

	fd = mkdisk_open_input(path, "initrd", &st);
	if (st.st_size == 0)
		mkdisk_die("%s: the initrd is empty", path);
	if (mkdisk_read_full(fd, &byte, 1) != 1)
		mkdisk_die("%s: cannot read the initrd: %s", path,
			   strerror(errno));
	close(fd);

	in->host_path = path;
	in->role = "initrd";
	snprintf(in->fat_path, sizeof(in->fat_path), MKDISK_INITRD_FORMAT,
		 number);
	in->size_bytes = (uint64_t)st.st_size;
	in->dev = st.st_dev;
	in->ino = st.st_ino;
}

/* OUT must not be a directory, an odd file, or one of the inputs. */
static void check_output(const char *out, const struct input *inputs,
			 unsigned count)
{
	struct stat st;
	unsigned i;

	if (stat(out, &st) < 0) {
		if (errno == ENOENT)
			return;
		mkdisk_die("%s: %s", out, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		mkdisk_die("%s: is a directory; give the image's file name",
			   out);
	if (!S_ISREG(st.st_mode))
		mkdisk_die("%s: exists and is not a regular file; mkdisk "
			   "only replaces image files", out);
	for (i = 0; i < count; i++)
		if (inputs[i].host_path && st.st_dev == inputs[i].dev &&
		    st.st_ino == inputs[i].ino)
			mkdisk_die("%s: is the %s %s; mkdisk never overwrites "
				   "an input", out, inputs[i].role,
				   inputs[i].host_path);
}

/* Free bytes the plan leaves for files (the root directory has one). */
static uint64_t plan_capacity(const struct fat32_plan *plan)
{
	return (uint64_t)(plan->clusters - 1) * plan->sectors_per_cluster *
	       MKDISK_SECTOR_SIZE;
}

/* Bytes the files and their directories take in clusters of the plan. */
static uint64_t plan_need(const struct fat32_plan *plan,
			  const struct input *inputs, unsigned count)
{
	uint64_t need = 0;
	unsigned i;

	for (i = 0; i < count; i++)
		need += image_cluster_bytes(plan, inputs[i].size_bytes);
	/*
	 * /boot: ".", "..", and up to three 32-byte entries (long name and
	 * short name) per file; /EFI and /EFI/BOOT: one cluster each.
	 */
	need += image_cluster_bytes(plan, (2 + 3 * (uint64_t)count) * 32);
	need += 2 * image_cluster_bytes(plan, 1);
	/*
	 * /loader (the environment file's), and /loader/entries with --bls:
	 * one cluster each.
	 */
	need += image_cluster_bytes(plan, 1);
	for (i = 0; i < count; i++)
		if (!strncmp(inputs[i].fat_path, BLS_ENTRIES_DIR "/",
			     sizeof(BLS_ENTRIES_DIR))) {
			need += image_cluster_bytes(plan, 1);
			break;
		}
	return need;
}

static uint32_t partition_sectors_of(uint64_t size_mib)
{
	return image_partition_sectors(size_mib *
				       (MKDISK_MIB / MKDISK_SECTOR_SIZE));
}

/* "12.3 MiB", rounded up to the tenth. */
static const char *format_mib(uint64_t bytes, char *buf, size_t size)
{
	uint64_t tenths = (bytes * 10 + MKDISK_MIB - 1) / MKDISK_MIB;

	snprintf(buf, size, "%llu.%llu MiB", (unsigned long long)tenths / 10,
		 (unsigned long long)tenths % 10);
	return buf;
}

/*
 * The image size in MiB without the root partition (root_mib, 0 for
 * none), which follows the ESP: the one asked for less root_mib, which
 * the files must fit, or one with room to spare. *plan gets its FAT32
 * plan.
 */
static uint64_t choose_size(const struct options *opt, const char *out,
			    const struct input *inputs, unsigned count,
			    struct fat32_plan *plan, uint64_t root_mib)
{
	uint64_t size_mib = opt->size_mib, files = 0;
	unsigned i;

	if (size_mib) {
		char need[32], have[32];

		if (size_mib < root_mib + MKDISK_MIN_SIZE_MIB)
			mkdisk_die("%s: --size %llu MiB less the root "
				   "partition's %llu leaves less than the %u "
				   "MiB FAT32 needs", out,
				   (unsigned long long)size_mib,
				   (unsigned long long)root_mib,
				   MKDISK_MIN_SIZE_MIB);
		size_mib -= root_mib;
		if (!image_plan_fat32(partition_sectors_of(size_mib), plan))
			mkdisk_die("%s: --size %llu MiB is too small for "
				   "FAT32", out, (unsigned long long)size_mib);
		if (plan_need(plan, inputs, count) > plan_capacity(plan))
			mkdisk_die("%s: the files need %s, more than the %s "
				   "that --size %llu leaves for them", out,
				   format_mib(plan_need(plan, inputs, count),
					      need, sizeof(need)),
				   format_mib(plan_capacity(plan), have,
					      sizeof(have)),
				   (unsigned long long)opt->size_mib);
		return size_mib;
	}

	for (i = 0; i < count; i++)
		files += inputs[i].size_bytes;
	size_mib = (PARTITION_START_LBA * (uint64_t)MKDISK_SECTOR_SIZE +
		    files + files / 2 + DEFAULT_SLACK_BYTES + MKDISK_MIB - 1) /
		   MKDISK_MIB;
	if (size_mib < MKDISK_MIN_SIZE_MIB)
		size_mib = MKDISK_MIN_SIZE_MIB;
	for (;; size_mib++) {
		if (size_mib + root_mib > MKDISK_MAX_SIZE_MIB)
			mkdisk_die("%s: the files do not fit in the largest "
				   "MBR disk (2 TiB)", out);
		if (image_plan_fat32(partition_sectors_of(size_mib), plan) &&
		    plan_need(plan, inputs, count) <= plan_capacity(plan))
			return size_mib;
	}
}

/* path is one of the image's files? */
static bool on_image(const char *path, const struct input *inputs,
		     unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++)
		if (!strcasecmp(path, inputs[i].fat_path))
			return true;
	return false;
}

/*
 * --config FILE: its text, checked by the loaders' own parser
 * (FILE:LINE: problem), every kernel and initrd a file of the image.
 */
static char *read_config(const struct options *opt, const char *path,
			 const struct input *inputs, unsigned count,
			 size_t *len)
{
	static struct config cfg;
	enum config_error err;
	struct stat st;
	unsigned line, i, j;
	char *text;
	ssize_t n;
	int fd;

	fd = mkdisk_open_input(path, "config", &st);
	if (st.st_size > CONFIG_MAX_BYTES)
		mkdisk_die("%s: %llu bytes, the loaders read at most %u", path,
			   (unsigned long long)st.st_size, CONFIG_MAX_BYTES);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		mkdisk_die("out of memory");
	n = mkdisk_read_full(fd, text, (size_t)st.st_size);
	if (n != st.st_size)
		mkdisk_die("%s: read failed: %s", path,
			   n < 0 ? strerror(errno) : "short read");
	close(fd);
	err = config_parse(text, (size_t)n, &cfg, &line);
	if (err && line)
		mkdisk_die("%s:%u: %s", path, line, config_strerror(err));
	if (err)
		mkdisk_die("%s: %s", path, config_strerror(err));
	for (i = 0; i < cfg.entry_count; i++) {
		const struct config_entry *e = &cfg.entry[i];

		if (!on_image(e->kernel, inputs, count))
			mkdisk_die("%s: entry %s: kernel %s is not a file of "
				   "the image (" MKDISK_KERNEL_PATH ", "
				   "/boot/initrd-N.img)", path, e->name,
				   e->kernel);
		for (j = 0; j < e->initrd_count; j++)
			if (!on_image(e->initrd[j], inputs, count))
				mkdisk_die("%s: entry %s: initrd %s is not a "
					   "file of the image", path, e->name,
					   e->initrd[j]);
		/* The enrolled loaders boot only pinned files. */
		if (opt->enroll_config && config_entry_unpinned(e))
			mkdisk_die("%s: entry %s: %s has no SHA-256 "
				   "(path#HASH), and --enroll-config is given",
				   path, e->name, config_entry_unpinned(e));
	}
	*len = (size_t)n;
	return text;
}

/*
 * --bls: entry number i as BLS_ENTRIES_DIR/bzboot-NAME.conf, read back by
 * the loaders' own BLS parser before it goes on the image. Its sort-key
 * keeps the entries in the order given (UAPI.1 sorts by it first).
 */
static char *make_bls_entry(const struct options *opt, unsigned i,
			    const struct input *inputs, struct input *in)
{
	static struct config_entry e;
	const struct entry_opt *eo = &opt->entry[i];
	struct bls_sort sort;
	enum bls_error err;
	size_t size = CONFIG_TEXT_MAX, n;
	char file[CONFIG_NAME_MAX + sizeof(BLS_SUFFIX)];
	unsigned line, j;
	char *buf = malloc(size);

	if (!buf)
		mkdisk_die("out of memory");
	if ((size_t)snprintf(file, sizeof(file), MKDISK_BLS_PREFIX "%s"
			     BLS_SUFFIX, eo->name) >= sizeof(file))
		mkdisk_die("--entry %s: too long for a BLS file name (at most "
			   "%zu characters)", eo->name, CONFIG_NAME_MAX - 1 -
			   (sizeof(MKDISK_BLS_PREFIX) - 1));
	n = (size_t)snprintf(buf, size, "# Boot Loader Specification Type #1 "
			     "entry, written by mkdisk --bls\n"
			     "title %s\nsort-key bzboot-%u\nlinux %s\n",
			     eo->name, i + 1,
			     inputs[eo->first_input].fat_path);
	for (j = 0; j < eo->initrd_count && n < size; j++)
		n += (size_t)snprintf(buf + n, size - n, "initrd %s\n",
				      inputs[eo->first_input + 1 + j].fat_path);
	if (eo->cmdline[0] && n < size)
		n += (size_t)snprintf(buf + n, size - n, "options %s\n",
				      eo->cmdline);
	if (n >= size)
		mkdisk_die("%s: more than %zu bytes", file, size);
	err = bls_parse_entry(file, buf, n, &e, &sort, &line);
	if (err)
		mkdisk_die("%s:%u: %s", file, line, bls_strerror(err));
	if (e.grub_vars)
		mkdisk_die("--cmdline: a '$', which the loaders take for a "
			   "GRUB variable in a BLS entry");
	in->role = "BLS entry";
	snprintf(in->fat_path, sizeof(in->fat_path), "%s/%s", BLS_ENTRIES_DIR,
		 file);
	in->data = buf;
	in->size_bytes = n;
	return buf;
}

/* Append text to a config being written; false when it is full. */
static bool config_add(char *buf, size_t size, size_t *n, const char *fmt,
		       ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf + *n, size - *n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= size - *n)
		return false;
	*n += (size_t)k;
	return true;
}

/*
 * The config. One entry without --entry: config_format_single(), as
 * always. With --entry: every entry, the first the default, a menu of
 * MKDISK_MENU_TIMEOUT seconds, read back by the loaders' parser (a bad
 * name is refused there). With --bls: the global keys only.
 */
static char *make_config(const struct options *opt, const struct input *inputs,
			 size_t *len)
{
	static struct config cfg;
	const struct entry_opt *e0 = &opt->entry[0];
	const char **initrd_paths;
	enum config_error err;
	size_t size = CONFIG_TEXT_MAX * CONFIG_MAX_ENTRIES, n = 0;
	unsigned i, j, line;
	bool ok;
	char *buf;
	int k;
	char (*paths)[CONFIG_PATH_HASH_MAX];

	buf = malloc(size);
	initrd_paths = calloc(e0->initrd_count + 1, sizeof(*initrd_paths));
	/* Each kernel and initrd: "/boot/vmlinuz", or "...#HASH" (--hashes). */
	paths = calloc(opt->entry_count + opt->initrd_total, sizeof(*paths));
	if (!initrd_paths || !paths || !buf)
		mkdisk_die("out of memory");
	for (i = 0; i < opt->entry_count + opt->initrd_total; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s%s%s",
			 inputs[i].fat_path, inputs[i].sha256_hex[0] ? "#" : "",
			 inputs[i].sha256_hex);
	if (opt->bls) {
		k = snprintf(buf, size, "# bzboot config, written by mkdisk "
			     "--bls: the entries are in " BLS_ENTRIES_DIR "\n"
			     "timeout %u\ntrace off\n",
			     opt->named ? MKDISK_MENU_TIMEOUT : 0);
		free(initrd_paths);
		free(paths);
		*len = (size_t)k;
		return buf;
	}
	if (!opt->named) {
		for (i = 0; i < e0->initrd_count; i++)
			initrd_paths[i] = paths[1 + i];
		k = config_format_single(buf, size, paths[0], initrd_paths,
					 e0->initrd_count, e0->cmdline);
		if (k < 0 || (size_t)k >= size)
			mkdisk_die("%s: config_format_single() refused the "
				   "values", CONFIG_PATH);
		free(initrd_paths);
		free(paths);
		*len = (size_t)k;
		return buf;
	}
	free(initrd_paths);
	ok = config_add(buf, size, &n, "# bzboot config, written by mkdisk "
			"--entry\ndefault %s\ntimeout %u\ntrace off\n",
			e0->name, MKDISK_MENU_TIMEOUT);
	for (i = 0; i < opt->entry_count && ok; i++) {
		const struct entry_opt *e = &opt->entry[i];

		ok = config_add(buf, size, &n, "\nentry %s\n\tkernel %s\n",
				e->name, paths[e->first_input]);
		for (j = 0; j < e->initrd_count && ok; j++)
			ok = config_add(buf, size, &n, "\tinitrd %s\n",
					paths[e->first_input + 1 + j]);
		if (e->cmdline[0] && ok)
			ok = config_add(buf, size, &n, "\tcmdline %s\n",
					e->cmdline);
	}
	free(paths);
	if (!ok)
		mkdisk_die("%s: more than %zu bytes", CONFIG_PATH, size);
	err = config_parse(buf, n, &cfg, &line);
	if (err)
		mkdisk_die("--entry: %s (line %u of the config it makes)",
			   config_strerror(err), line);
	*len = n;
	return buf;
}

/*
 * The time every file and directory is dated: SOURCE_DATE_EPOCH
 * (reproducible-builds.org: seconds since 1970-01-01 00:00:00 UTC, and a
 * malformed value is an error), or MKDISK_DEFAULT_EPOCH. FAT dates run
 * from 1980 to 2107; mtools would write something else out of range.
 */
static uint64_t read_epoch(void)
{
	const char *value = getenv("SOURCE_DATE_EPOCH");
	unsigned long long epoch;
	char *end;

	if (!value)
		return MKDISK_DEFAULT_EPOCH;
	errno = 0;
	epoch = strtoull(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end || errno)
		mkdisk_die("SOURCE_DATE_EPOCH=%s: not a whole number of seconds "
			   "since 1970", value);
	if (epoch < MKDISK_DEFAULT_EPOCH || epoch > MKDISK_MAX_EPOCH)
		mkdisk_die("SOURCE_DATE_EPOCH=%s: outside what FAT dates hold "
			   "(%llu, 1980-01-01, to %llu, 2107-12-31)", value,
			   MKDISK_DEFAULT_EPOCH, MKDISK_MAX_EPOCH);
	return epoch;
}

/*
 * Every byte of an input file, in pieces, to a consumer; the file must
 * still be size_bytes long (it was measured when the options were read).
 */
static void read_input(const struct input *in,
		       void (*consume)(void *ctx, const uint8_t *p, size_t n),
		       void *ctx)
{
	static uint8_t buf[1 << 16];
	uint64_t done = 0;
	int fd = open(in->host_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		mkdisk_die("%s: cannot open the %s: %s", in->host_path,
			   in->role, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			mkdisk_die("%s: read failed: %s", in->host_path,
				   strerror(errno));
		if (n == 0)
			break;
		consume(ctx, buf, (size_t)n);
		done += (uint64_t)n;
	}
	close(fd);
	if (done != in->size_bytes)
		mkdisk_die("%s: %llu bytes now, %llu before: the %s changed "
			   "while mkdisk read it", in->host_path,
			   (unsigned long long)done,
			   (unsigned long long)in->size_bytes, in->role);
}

static void consume_image_hash(void *ctx, const uint8_t *p, size_t n)
{
	image_hash_bytes(ctx, p, n);
}

/* A file's bytes into the image hash. */
static void hash_file(struct image_hash *hash, const struct input *in)
{
	read_input(in, consume_image_hash, hash);
}

static void consume_sha256(void *ctx, const uint8_t *p, size_t n)
{
	sha256_update(ctx, p, n);
}

/*
 * --hashes: the SHA-256 of a file as mcopy will copy it, in hex. The
 * loaders hash what they load and compare it with this.
 */
static void sha256_input(struct input *in)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256 h;

	sha256_init(&h);
	read_input(in, consume_sha256, &h);
	sha256_final(&h, digest);
	sha256_to_hex(digest, in->sha256_hex);
}

/*
 * The disk signature and the volume ID: --disk-id for both, or a hash of
 * everything the image is made of, so that a changed input or option
 * changes them too: the built-in stage1 and stage2 (as they go onto the
 * image: with an enrolled hash, if any), the size, the epoch,
 * and each file with its FAT path (the kernel, the initrds in order, the
 * EFI loader, and the config, which holds the command line), and the
 * table when it is GPT. With --disk-id, the GPT's GUIDs come from a hash
 * of it alone, so that the same --disk-id gives the same PARTUUIDs. Each
 * piece is
 * preceded by its length, so no two lists of pieces hash alike by moving
 * bytes from one piece to the next. Host paths are left out: the same
 * files elsewhere give the same image. With --rootfs, the hash of DIR's
 * tree (rootfs.c) and the root partition's size come last; the config
 * then holds root=PARTUUID= with a placeholder of the value's length (the
 * value comes from this hash), and the loaders are not yet enrolled.
 */
static void choose_ids(const struct options *opt, uint64_t size_mib,
		       uint64_t epoch, const struct input *inputs,
		       unsigned count, const struct rootfs_scan *root,
		       uint64_t root_mib, struct image_ids *ids)
{
	static const char tag[] = "bzboot mkdisk image 1";
	struct image_hash hash;
	size_t stage1_size = (size_t)(embed_stage1_end - embed_stage1_start);
	size_t stage2_size;
	const uint8_t *stage2 = image_stage2(&stage2_size);
	unsigned i;

	image_hash_init(&hash);
	image_hash_u64(&hash, sizeof(tag));
	image_hash_bytes(&hash, tag, sizeof(tag));
	if (opt->disk_id) {
		ids->disk_signature = opt->disk_id;
		ids->volume_id = opt->disk_id;
		image_hash_u64(&hash, opt->disk_id);
		image_hash_guids(&hash, ids);
		return;
	}
	/* Only GPT images hash their layout: MBR images stay as they were. */
	if (opt->table == IMAGE_GPT)
		image_hash_bytes(&hash, "gpt", 3);
	image_hash_u64(&hash, stage1_size);
	image_hash_bytes(&hash, embed_stage1_start, stage1_size);
	image_hash_u64(&hash, stage2_size);
	image_hash_bytes(&hash, stage2, stage2_size);
	image_hash_u64(&hash, size_mib);
	image_hash_u64(&hash, epoch);
	image_hash_u64(&hash, count);
	for (i = 0; i < count; i++) {
		size_t path_len = strlen(inputs[i].fat_path);

		image_hash_u64(&hash, path_len);
		image_hash_bytes(&hash, inputs[i].fat_path, path_len);
		image_hash_u64(&hash, inputs[i].size_bytes);
		if (inputs[i].host_path)
			hash_file(&hash, &inputs[i]);
		else
			image_hash_bytes(&hash, inputs[i].data,
					 (size_t)inputs[i].size_bytes);
	}
	/* --rootfs: its size and DIR's tree (images without stay as they were). */
	if (root) {
		image_hash_bytes(&hash, "rootfs", 6);
		image_hash_u64(&hash, root_mib);
		image_hash_u64(&hash, root->hash);
	}
	image_hash_ids(&hash, ids);
}

/*
 * Make OUT<suffix>XXXXXX beside OUT, its name in path; *exists is set with
 * it, so a signal from here on removes it.
 */
static int make_temp(const char *out, const char *suffix, enum temp_id t)
{
	char *path = temps[t].path;
	sigset_t old;
	mode_t mask;
	int fd, n;

	n = snprintf(path, PATH_MAX, "%s%sXXXXXX", out, suffix);
	if (n < 0 || n >= PATH_MAX)
		mkdisk_die("%s: path too long", out);

	signals_block(&old);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		temps[t].exists = 1;
	signals_restore(&old);
	if (fd < 0)
		mkdisk_die("%s: cannot create a temporary file beside it: %s",
			   out, strerror(errno));

	/* mkstemp makes it 0600; an image is as readable as other files. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0)
		mkdisk_die("%s: chmod: %s", path, strerror(errno));
	return fd;
}

/* A key or certificate must be a readable file before sbsign runs. */
static bool readable(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * --sb-key/--sb-cert: BOOTX64.EFI, its config hash already enrolled,
 * through sbsign (OUT.efi.XXXXXX in, OUT.signed.XXXXXX out, both removed
 * after), and the signed bytes are what goes onto the image. Nothing of
 * OUT exists yet, so a failure leaves nothing behind.
 */
static void sign_efi(const struct options *opt)
{
	size_t size;
	const uint8_t *efi = image_efi(&size);
	const char *unsigned_path = temps[TEMP_UNSIGNED].path;
	const char *signed_path = temps[TEMP_SIGNED].path;
	uint8_t *signed_data;
	struct stat st;
	int fd;

	if (!readable(opt->sb_key))
		mkdisk_die("%s: cannot read the Secure Boot key: %s",
			   opt->sb_key, strerror(errno));
	if (!readable(opt->sb_cert))
		mkdisk_die("%s: cannot read the Secure Boot certificate: %s",
			   opt->sb_cert, strerror(errno));
	fd = make_temp(opt->out, ".efi.", TEMP_UNSIGNED);
	mkdisk_write_at(fd, unsigned_path, efi, size, 0);
	if (close(fd) < 0)
		mkdisk_die("%s: close: %s", unsigned_path, strerror(errno));
	fd = make_temp(opt->out, ".signed.", TEMP_SIGNED);
	close(fd);

	mtools_sign_efi(opt->sb_key, opt->sb_cert, unsigned_path, signed_path);

	fd = open(signed_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		mkdisk_die("%s: %s", signed_path, strerror(errno));
	/* sbsign appends the signature: anything shorter is not its work. */
	if ((size_t)st.st_size <= size)
		mkdisk_die("%s: sbsign wrote %lld bytes, no more than the "
			   "%zu it was given", signed_path,
			   (long long)st.st_size, size);
	signed_data = malloc((size_t)st.st_size);
	if (!signed_data)
		mkdisk_die("out of memory");
	if (mkdisk_read_full(fd, signed_data, (size_t)st.st_size) != st.st_size)
		mkdisk_die("%s: short read", signed_path);
	close(fd);
	image_set_efi(signed_data, (size_t)st.st_size);
	remove_temps(1u << TEMP_UNSIGNED | 1u << TEMP_SIGNED);
}

/* Make OUT.tmp.XXXXXX beside OUT, for the raw image. */
static int create_temp(const char *out, const struct input *inputs,
		       unsigned count)
{
	struct stat st;
	int fd;
	unsigned i;

	fd = make_temp(out, ".tmp.", TEMP_RAW);

	/* O_EXCL made it new, so it cannot be an input; make sure anyway. */
	if (fstat(fd, &st) < 0)
		mkdisk_die("%s: %s", temps[TEMP_RAW].path, strerror(errno));
	for (i = 0; i < count; i++)
		if (inputs[i].host_path && st.st_dev == inputs[i].dev &&
		    st.st_ino == inputs[i].ino)
			mkdisk_die("%s: is the %s %s; mkdisk never overwrites "
				   "an input", temps[TEMP_RAW].path,
				   inputs[i].role, inputs[i].host_path);
	return fd;
}

/* Put the image in place of OUT; from then on it is no longer ours. */
static void rename_temp(const char *out, enum temp_id t)
{
	const char *path = temps[t].path;
	sigset_t old;
	int err = 0;

	signals_block(&old);
	if (rename(path, out) < 0)
		err = errno;
	else
		temps[t].exists = 0;
	signals_restore(&old);
	if (err)
		mkdisk_die("%s: cannot rename %s to it: %s", out, path,
			   strerror(err));
}

/*
 * The finished raw image into OUT.qcow2.XXXXXX by qemu-img, made durable;
 * then the raw one is removed. Any failure removes both.
 */
static void convert_qcow2(const char *out)
{
	const char *qcow2 = temps[TEMP_QCOW2].path;
	int fd = make_temp(out, ".qcow2.", TEMP_QCOW2);

	close(fd);
	mtools_convert_qcow2(temps[TEMP_RAW].path, qcow2);
	fd = open(qcow2, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		mkdisk_die("%s: fsync: %s", qcow2, strerror(errno));
	close(fd);
	remove_temps(1u << TEMP_RAW);
}

/* Make the rename itself durable. */
static void sync_directory_of(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* True when the command line has a word root=... of its own. */
static bool cmdline_has_root(const char *cmdline)
{
	const char *p = cmdline;

	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			return false;
		if (!strncmp(p, "root=", 5))
			return true;
		p += strcspn(p, " \t");
	}
}

/*
 * The root partition's PARTUUID, as the kernel and blkid write it: the
 * partition's unique GUID on GPT; on MBR the disk signature and the
 * partition's number, SSSSSSSS-PP (block/partitions/msdos.c).
 */
static void root_partuuid(enum image_table table, const struct image_ids *ids,
			  char *buf, size_t size)
{
	char guid[GPT_GUID_TEXT];

	if (table == IMAGE_GPT) {
		gpt_guid_format(&ids->root_guid, guid);
		snprintf(buf, size, "%s", guid);
	} else {
		snprintf(buf, size, "%08x-%02x", ids->disk_signature,
			 MKDISK_ROOT_MBR_PARTITION);
	}
	for (char *p = buf; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
}

/* "CMDLINE root=PARTUUID=VALUE" (or without CMDLINE when it is empty). */
static char *cmdline_with_root(const char *cmdline, const char *partuuid)
{
	char *out;

	if (asprintf(&out, "%s%sroot=PARTUUID=%s", cmdline,
		     cmdline[0] ? " " : "", partuuid) < 0)
		mkdisk_die("out of memory");
	return out;
}

/* "40-2047" */
static const char *lba_range(char *buf, size_t size, uint64_t first,
			     uint64_t last)
{
	snprintf(buf, size, "%llu-%llu", (unsigned long long)first,
		 (unsigned long long)last);
	return buf;
}

/* The GPT lines of the summary. */
static void print_gpt_layout(uint64_t disk_sectors,
			     const struct fat32_plan *plan,
			     const struct image_ids *ids, uint64_t root_mib)
{
	uint32_t stage2_sectors = image_stage2_sectors();
	char disk[GPT_GUID_TEXT], esp[GPT_GUID_TEXT], range[48];

	gpt_guid_format(&ids->disk_guid, disk);
	gpt_guid_format(&ids->esp_guid, esp);
	printf("  LBA 0          protective MBR: stage1, one entry of type "
	       "0x%02x\n", MBR_TYPE_GPT_PROTECTIVE);
	printf("  LBA %-10s primary GPT, disk GUID %s\n",
	       lba_range(range, sizeof(range), GPT_PRIMARY_LBA,
			 GPT_PRIMARY_LBA + GPT_ENTRIES_SECTORS), disk);
	printf("  LBA %-10s partition 1: BIOS boot, stage2 in %u sectors\n",
	       lba_range(range, sizeof(range), GPT_STAGE2_LBA,
			 PARTITION_START_LBA - 1), stage2_sectors);
	printf("  LBA %-10u partition 2: FAT32, EFI System, %u sectors, %u "
	       "clusters of %u bytes\n", PARTITION_START_LBA,
	       plan->partition_sectors, plan->clusters,
	       plan->sectors_per_cluster * MKDISK_SECTOR_SIZE);
	if (root_mib)
		printf("  LBA %-10llu partition 3: ext4, Linux root (x86-64), "
		       "%llu sectors\n",
		       (unsigned long long)image_root_first_lba(disk_sectors),
		       (unsigned long long)root_mib *
		       (MKDISK_MIB / MKDISK_SECTOR_SIZE));
	printf("  LBA %-10s backup GPT\n",
	       lba_range(range, sizeof(range),
			 disk_sectors - 1 - GPT_ENTRIES_SECTORS,
			 disk_sectors - 1));
	/* As blkid and /dev/disk/by-partuuid/ write it. */
	for (char *p = esp; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	printf("  EFI System Partition: PARTUUID %s\n", esp);
}

static void print_summary(const char *out, uint64_t size_mib,
			  const struct options *opt,
			  const struct fat32_plan *plan,
			  const struct input *inputs, unsigned count,
			  const struct image_ids *ids, uint64_t epoch,
			  const uint8_t *enrolled, uint64_t root_mib)
{
	uint64_t disk_sectors = size_mib * (MKDISK_MIB / MKDISK_SECTOR_SIZE);
	char partuuid[GPT_GUID_TEXT], fs_uuid[GPT_GUID_TEXT];
	char hex[SHA256_HEX_LEN + 1];
	time_t when = (time_t)epoch;
	char date[32];
	struct tm tm;
	uint32_t stage2_sectors = image_stage2_sectors();
	unsigned i;

	printf("mkdisk: %s: %llu MiB%s\n", out, (unsigned long long)size_mib,
	       opt->qcow2 ? ", qcow2" : "");
	if (opt->table == IMAGE_GPT) {
		print_gpt_layout(disk_sectors, plan, ids, root_mib);
	} else {
		printf("  LBA 0          MBR: stage1, partition table\n");
		printf("  LBA %u-%-8u stage2, %u sectors\n", STAGE2_LBA,
		       STAGE2_LBA + stage2_sectors - 1, stage2_sectors);
		printf("  LBA %-10u partition 1: FAT32, type 0x%02x, active, "
		       "%u sectors, %u clusters of %u bytes\n",
		       PARTITION_START_LBA, MBR_TYPE_EFI_SYSTEM,
		       plan->partition_sectors, plan->clusters,
		       plan->sectors_per_cluster * MKDISK_SECTOR_SIZE);
		if (root_mib)
			printf("  LBA %-10llu partition 2: ext4, type 0x%02x, "
			       "%llu sectors\n", (unsigned long long)
			       image_root_first_lba(disk_sectors),
			       MBR_TYPE_LINUX, (unsigned long long)root_mib *
			       (MKDISK_MIB / MKDISK_SECTOR_SIZE));
	}
	if (root_mib) {
		root_partuuid(opt->table, ids, partuuid, sizeof(partuuid));
		gpt_guid_format(&ids->root_fs_uuid, fs_uuid);
		for (char *p = fs_uuid; *p; p++)
			if (*p >= 'A' && *p <= 'F')
				*p = (char)(*p - 'A' + 'a');
		printf("  root partition: PARTUUID %s, ext4 UUID %s, from %s\n",
		       partuuid, fs_uuid, opt->rootfs);
	}
	for (i = 0; i < count; i++)
		printf("    %-22s %10llu bytes%s%s\n", inputs[i].fat_path,
		       (unsigned long long)inputs[i].size_bytes,
		       inputs[i].host_path ? "  from " : "",
		       inputs[i].host_path ? inputs[i].host_path : "");
	for (i = 0; i < count; i++)
		if (inputs[i].sha256_hex[0])
			printf("  sha256 %s  %s\n", inputs[i].sha256_hex,
			       inputs[i].fat_path);
	if (enrolled) {
		sha256_to_hex(enrolled, hex);
		printf("  sha256 %s  %s, enrolled in stage2 and "
		       "BOOTX64.EFI\n", hex, CONFIG_PATH);
	}
	if (opt->sb_key)
		printf("  " MKDISK_EFI_PATH " signed by sbsign with %s\n",
		       opt->sb_cert);
	printf("  cmdline: %s\n",
	       opt->config ? "(those of --config)" :
	       opt->named ? "(one per entry, in the config)" :
	       opt->entry[0].cmdline);
	if (!gmtime_r(&when, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(date, sizeof(date), "%llu", (unsigned long long)epoch);
	if (opt->table == IMAGE_GPT)
		printf("  volume ID %04X-%04X, dated %s\n",
		       ids->volume_id >> 16, ids->volume_id & 0xffff, date);
	else
		printf("  disk signature %08x (PARTUUID %08x-01), volume ID "
		       "%04X-%04X, dated %s\n", ids->disk_signature,
		       ids->disk_signature, ids->volume_id >> 16,
		       ids->volume_id & 0xffff, date);
}

/*
 * --rootfs: mke2fs makes the ext4 in OUT.rootfs.XXXXXX, the root
 * partition's size; it is copied into the image at its partition and
 * removed, and its superblock is read back there.
 */
static void write_rootfs(int fd, const struct options *opt,
			 uint64_t disk_sectors, uint64_t root_mib,
			 const struct image_ids *ids, uint64_t epoch)
{
	uint64_t first = image_root_first_lba(disk_sectors);
	uint64_t sectors = root_mib * (MKDISK_MIB / MKDISK_SECTOR_SIZE);
	char uuid[GPT_GUID_TEXT];
	uint8_t sb[EXT4_SUPERBLOCK_BYTES];
	const char *raw = temps[TEMP_RAW].path, *ext4 = temps[TEMP_ROOTFS].path;
	uint16_t magic;
	int rfd;

	rfd = make_temp(opt->out, ".rootfs.", TEMP_ROOTFS);
	if (ftruncate(rfd, (off_t)(sectors * MKDISK_SECTOR_SIZE)) < 0)
		mkdisk_die("%s: %s", ext4, strerror(errno));
	close(rfd);
	gpt_guid_format(&ids->root_fs_uuid, uuid);
	mtools_mke2fs(ext4, opt->rootfs, uuid, epoch);
	rootfs_copy(fd, raw, ext4, first, sectors);
	remove_temps(1u << TEMP_ROOTFS);

	if (pread(fd, sb, sizeof(sb), (off_t)(first * MKDISK_SECTOR_SIZE +
					       EXT4_SUPERBLOCK_OFFSET)) !=
	    (ssize_t)sizeof(sb))
		mkdisk_die("%s: reading the root partition back failed", raw);
	magic = (uint16_t)(sb[EXT4_MAGIC_OFFSET] |
			   sb[EXT4_MAGIC_OFFSET + 1] << 8);
	if (magic != EXT4_MAGIC)
		mkdisk_die("%s: no ext4 superblock (0x%04x) in the root "
			   "partition at LBA %llu", raw, EXT4_MAGIC,
			   (unsigned long long)first);
}

/* Make sure fds 0-2 are open, so no file we open takes their place. */
static void open_std_fds(void)
{
	int fd;

	do {
		fd = open("/dev/null", O_RDWR);
	} while (fd >= 0 && fd <= 2);
	if (fd > 2)
		close(fd);
}

int main(int argc, char **argv)
{
	/* The raw image being made, OUT.tmp.XXXXXX once create_temp() ran. */
	const char *raw = temps[TEMP_RAW].path;
	struct options opt;
	struct bzimage_info kernel_info;
	struct fat32_plan plan, actual;
	struct image_ids ids;
	struct input *inputs;
	const char **fat_paths;
	uint64_t size_mib, disk_sectors, epoch, *sizes, root_mib = 0;
	struct rootfs_scan root_scan;
	char partuuid[GPT_GUID_TEXT];
	char *root_cmdline = NULL;
	bool add_root = false;
	unsigned count, i;
	unsigned j, k, n;
	char *config;
	size_t config_len, efi_size;
	uint8_t config_sha256[SHA256_DIGEST_SIZE];
	static uint8_t env_block[BOOTENV_SIZE];
	int fd;

	open_std_fds();
	/* `mkdisk inspect ...` reads one file and builds nothing. */
	if (argc > 1 && !strcmp(argv[1], "inspect"))
		return inspect_main(argc - 1, argv + 1);
	/* `mkdisk install DISK ...` writes onto an existing disk. */
	if (argc > 1 && !strcmp(argv[1], "install"))
		return install_main(argc - 1, argv + 1);
	/* `mkdisk set-default|set-oneshot IMAGE ENTRY` edit one sector. */
	if (argc > 1 && (!strcmp(argv[1], "set-default") ||
			 !strcmp(argv[1], "set-oneshot")))
		return env_main(argc - 1, argv + 1);
	parse_args(argc, argv, &opt);

	/* 1. The built-in loaders agree with common/ (else a stale build). */
	image_check_loaders();
	epoch = read_epoch();

	/*
	 * 2. Every input: kernel, initrds in order, then the EFI loader and
	 * the config, which are built in.
	 */
	count = opt.entry_count + opt.initrd_total + 3 +
		(opt.bls ? opt.entry_count : 0);
	inputs = calloc(count, sizeof(*inputs));
	if (!inputs)
		mkdisk_die("out of memory");
	for (i = 0, k = 0, n = 0; i < opt.entry_count; i++) {
		struct entry_opt *e = &opt.entry[i];

		e->first_input = k;
		check_kernel(e->kernel, &kernel_info, &inputs[k]);
		/* The first kernel keeps its name; the others are numbered. */
		if (i > 0)
			snprintf(inputs[k].fat_path, sizeof(inputs[k].fat_path),
				 MKDISK_KERNEL_PATH "-%u", i + 1);
		if (e->cmdline)
			mkdisk_check_cmdline(e->cmdline, e->kernel, &kernel_info);
		k++;
		for (j = 0; j < e->initrd_count; j++)
			check_initrd(e->initrds[j], ++n, &inputs[k++]);
	}
	check_output(opt.out, inputs, count);

	/*
	 * --rootfs: DIR, its size, and root=PARTUUID= for the command line,
	 * for now with a placeholder as long as the value (see choose_ids).
	 */
	if (opt.rootfs) {
		rootfs_scan(opt.rootfs, &root_scan);
		root_mib = opt.rootfs_mib ? opt.rootfs_mib :
					    rootfs_default_mib(&root_scan);
		if (!rootfs_fits(&root_scan, root_mib)) {
			char need[32];

			mkdisk_die("%s: does not fit in a root partition of "
				   "%llu MiB (it holds %s; ext4 keeps about a "
				   "quarter for itself): give a larger "
				   "--rootfs-size", opt.rootfs,
				   (unsigned long long)root_mib,
				   format_mib(root_scan.data_bytes, need,
					      sizeof(need)));
		}
		add_root = !cmdline_has_root(opt.entry[0].cmdline);
		if (add_root) {
			struct image_ids zero;

			memset(&zero, 0, sizeof(zero));
			root_partuuid(opt.table, &zero, partuuid,
				      sizeof(partuuid));
			root_cmdline = cmdline_with_root(opt.entry[0].cmdline,
							 partuuid);
			opt.entry[0].cmdline = root_cmdline;
			mkdisk_check_cmdline(opt.entry[0].cmdline, opt.entry[0].kernel, &kernel_info);
		}
	}

	/* --hashes: each kernel's and initrd's SHA-256 for their paths. */
	for (i = 0; opt.hashes && i < k; i++)
		sha256_input(&inputs[i]);
	for (i = 0; opt.bls && i < opt.entry_count; i++)
		make_bls_entry(&opt, i, inputs, &inputs[k + i]);
	if (opt.config)
		config = read_config(&opt, opt.config, inputs, count,
				     &config_len);
	else
		config = make_config(&opt, inputs, &config_len);
	/* --enroll-config: the config's SHA-256 into both loaders. */
	if (opt.enroll_config && !add_root) {
		sha256(config, config_len, config_sha256);
		image_enroll_config(config_sha256);
	}
	/*
	 * Then the signature, over the enrolled BOOTX64.EFI (with --rootfs
	 * the config changes below, and is enrolled and signed again there).
	 */
	if (opt.sb_key) {
		install_signal_handlers();
		sign_efi(&opt);
	}

	inputs[count - 3].role = "EFI loader";
	snprintf(inputs[count - 3].fat_path, sizeof(inputs[0].fat_path), "%s",
		 MKDISK_EFI_PATH);
	inputs[count - 3].data = image_efi(&efi_size);
	inputs[count - 3].size_bytes = efi_size;
	inputs[count - 2].role = "config";
	snprintf(inputs[count - 2].fat_path, sizeof(inputs[0].fat_path), "%s",
		 CONFIG_PATH);
	inputs[count - 2].data = config;
	inputs[count - 2].size_bytes = config_len;
	/*
	 * The environment file, empty: one sector the loaders and
	 * `mkdisk set-default`/`set-oneshot` overwrite in place.
	 */
	bootenv_build(&(struct bootenv){ "", "" }, env_block);
	inputs[count - 1].role = "environment file";
	snprintf(inputs[count - 1].fat_path, sizeof(inputs[0].fat_path), "%s",
		 BOOTENV_PATH);
	inputs[count - 1].data = env_block;
	inputs[count - 1].size_bytes = BOOTENV_SIZE;

	/* 3. The size, and a FAT32 plan with enough clusters. */
	size_mib = choose_size(&opt, opt.out, inputs, count, &plan, root_mib) +
		   root_mib;
	disk_sectors = size_mib * (MKDISK_MIB / MKDISK_SECTOR_SIZE);
	image_set_root_partition(root_mib * (MKDISK_MIB / MKDISK_SECTOR_SIZE));

	/* 4. The disk signature and volume ID: given, or from the inputs. */
	choose_ids(&opt, size_mib, epoch, inputs, count,
		   opt.rootfs ? &root_scan : NULL, root_mib, &ids);

	/* --rootfs: the real PARTUUID in the config, then enrolled. */
	if (add_root) {
		root_partuuid(opt.table, &ids, partuuid, sizeof(partuuid));
		/* The placeholder ends the command line. */
		memcpy(root_cmdline + strlen(root_cmdline) - strlen(partuuid),
		       partuuid, strlen(partuuid));
		free(config);
		config = make_config(&opt, inputs, &config_len);
		/* The last three inputs: EFI loader, config, environment. */
		inputs[count - 2].data = config;
		inputs[count - 2].size_bytes = config_len;
		if (opt.enroll_config) {
			sha256(config, config_len, config_sha256);
			image_enroll_config(config_sha256);
			/*
			 * Signed again: the first signature, over the
			 * loader without a hash, only sized the plan.
			 */
			if (opt.sb_key)
				sign_efi(&opt);
			inputs[count - 3].data = image_efi(&efi_size);
			inputs[count - 3].size_bytes = efi_size;
		}
	}

	/* 5. The temporary image, full size and sparse. */
	mtools_init_environment(epoch);
	install_signal_handlers();
	fd = create_temp(opt.out, inputs, count);
	if (ftruncate(fd, (off_t)(disk_sectors * MKDISK_SECTOR_SIZE)) < 0)
		mkdisk_die("%s: %s", raw, strerror(errno));

	/* 6. The partition table with stage1 in LBA 0, and stage2. */
	image_write_boot(fd, raw, disk_sectors, opt.table, &ids);

	/*
	 * 7. The FAT32 partition, its directories and files, through mtools,
	 * always in this order.
	 */
	mtools_format(raw, &plan, ids.volume_id);
	mtools_mkdir(raw, "/boot");
	mtools_mkdir(raw, "/EFI");
	mtools_mkdir(raw, "/EFI/BOOT");
	mtools_mkdir(raw, BLS_LOADER_DIR);
	if (opt.bls)
		mtools_mkdir(raw, BLS_ENTRIES_DIR);
	for (i = 0; i < count; i++) {
		if (inputs[i].host_path)
			mtools_copy_file(raw, inputs[i].host_path,
					 inputs[i].fat_path);
		else
			mtools_copy_data(raw, inputs[i].data,
					 (size_t)inputs[i].size_bytes,
					 inputs[i].fat_path);
	}

	/* 7b. --rootfs: the ext4 from mke2fs, in its partition. */
	if (opt.rootfs)
		write_rootfs(fd, &opt, disk_sectors, root_mib, &ids, epoch);

	/* 8. Read it back as the loaders will. */
	fat_paths = calloc(count, sizeof(*fat_paths));
	sizes = calloc(count, sizeof(*sizes));
	if (!fat_paths || !sizes)
		mkdisk_die("out of memory");
	for (i = 0; i < count; i++) {
		fat_paths[i] = inputs[i].fat_path;
		sizes[i] = inputs[i].size_bytes;
	}
	image_check_table(fd, raw, disk_sectors, opt.table, &ids);
	image_check_fat(fd, raw,
			image_partition_sectors(disk_sectors -
			root_mib * (MKDISK_MIB / MKDISK_SECTOR_SIZE)),
			fat_paths, sizes, count, &actual);

	/* 9. On disk, then in place of OUT (raw). */
	if (fsync(fd) < 0)
		mkdisk_die("%s: fsync: %s", raw, strerror(errno));
	if (close(fd) < 0)
		mkdisk_die("%s: close: %s", raw, strerror(errno));
	if (opt.qcow2) {
		/* 10. qcow2: converted by qemu-img, in place of OUT. */
		convert_qcow2(opt.out);
		rename_temp(opt.out, TEMP_QCOW2);
	} else {
		rename_temp(opt.out, TEMP_RAW);
	}
	sync_directory_of(opt.out);

	print_summary(opt.out, size_mib, &opt, &actual, inputs, count, &ids,
		      epoch, opt.enroll_config ? config_sha256 : NULL,
		      root_mib);
	free(config);
	for (i = 0; opt.bls && i < opt.entry_count; i++)
		free((void *)inputs[k + i].data);
	free(fat_paths);
	free(sizes);
	free(inputs);
	free(opt.initrd_pool);
	free(root_cmdline);
	return 0;
}
