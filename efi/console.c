// SPDX-License-Identifier: MIT
/*
 * console.c - the UEFI backend's console, keys and time for
 * core/platform.h: text on the firmware console and on COM1, keys from
 * SimpleTextInput (decoded here) and from COM1 (decoded by core/keys.c).
 *
 * Runs under boot services, in long mode. Text goes to ST->ConOut, which
 * the firmware draws on the screen (GOP or VGA text). Whether it also
 * reaches the serial port depends on the firmware: OVMF lists a serial
 * terminal (a device path ending in Uart()/VenVt100()) in the ConOut
 * variable whenever the machine has a serial port, so its ConOut already
 * copies every line to COM1; writing COM1 ourselves as well would print
 * every line twice on serial. console_init() therefore reads the ConOut
 * variable and programs COM1 directly (port I/O, 115200 8N1) only when no
 * UART is in it.
 *
 * After ExitBootServices the firmware console is gone: from then on only
 * COM1, by port I/O, is used (the trace's last lines, or why the boot
 * stopped), and a key to reboot comes from COM1 too; with neither, the
 * loader waits for ever.
 *
 * Time is the TSC, calibrated once against the firmware's Stall(): boot
 * services offer timer events but no clock to read, and the TSC still
 * runs after ExitBootServices.
 */
#include "console.h"
#include "fmt.h"
#include "keys.h"
#include "layout.h"
#include "loader.h"
#include "platform.h"
#include "serial16550.h"

/* EFI time unit for timers: 100 ns. */
#define EFI_TIMER_TICKS_PER_MS	10000ull
/* plat_idle(): wake at least this often to poll COM1 and the clock. */
#define IDLE_MS			10
/*
 * TSC calibration: the fewest TSC ticks in one of CALIBRATE_TRIES Stall()s
 * of CALIBRATE_US each. A Stall() can only last too long (a busy host
 * that descheduled QEMU in one showed a menu's 5 s as 15 s), never too
 * short, so the shortest is the truest.
 */
#define CALIBRATE_US		2000
#define CALIBRATE_TRIES		5

static bool com1_direct;	/* write and read COM1 ourselves */
static bool boot_services_gone;	/* after ExitBootServices */
static EFI_EVENT idle_timer;	/* periodic, IDLE_MS; NULL: none */
static uint64_t tsc_per_ms;

/*
 * ConOut takes UCS-2; text here is ASCII. Its status is not checked: a
 * console that cannot print has nowhere to say so.
 */
static void conout_write(const char *s, size_t len)
{
	CHAR16 buf[128];
	unsigned n = 0;

	for (size_t i = 0; i < len; i++) {
		if (n + 2 > sizeof(buf) / sizeof(buf[0])) {
			buf[n] = 0;
			ST->ConOut->OutputString(ST->ConOut, buf);
			n = 0;
		}
		buf[n++] = (CHAR16)(unsigned char)s[i];
	}
	buf[n] = 0;
	ST->ConOut->OutputString(ST->ConOut, buf);
}

/* Is there a UART node in any device path of the ConOut variable? */
static bool conout_has_uart(void)
{
	UINTN size = 0;
	uint8_t *var = NULL, *p;
	bool found = false;
	EFI_STATUS st;

	st = RT->GetVariable(L"ConOut", &gEfiGlobalVariableGuid, NULL, &size,
			     NULL);
	if (st != EFI_BUFFER_TOO_SMALL)
		return false;
	st = BS->AllocatePool(EfiLoaderData, size, (void **)&var);
	if (EFI_ERROR(st))
		return false;
	st = RT->GetVariable(L"ConOut", &gEfiGlobalVariableGuid, NULL, &size,
			     var);
	if (EFI_ERROR(st))
		size = 0;
	/* A multi-instance device path: nodes of {type, subtype, length}. */
	p = var;
	while (p + sizeof(EFI_DEVICE_PATH) <= var + size) {
		EFI_DEVICE_PATH *node = (EFI_DEVICE_PATH *)p;
		unsigned len = node->Length[0] | node->Length[1] << 8;

		if (node->Type == MESSAGING_DEVICE_PATH &&
		    node->SubType == MSG_UART_DP) {
			found = true;
			break;
		}
		if (len < sizeof(EFI_DEVICE_PATH))
			break;
		p += len;
	}
	BS->FreePool(var);
	return found;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void console_init(void)
{
	uint64_t t0, ticks, best = UINT64_MAX;

	com1_direct = !conout_has_uart() && serial16550_init(COM1_PORT);
	if (EFI_ERROR(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL,
				      &idle_timer)))
		idle_timer = NULL;
	else if (EFI_ERROR(BS->SetTimer(idle_timer, TimerPeriodic,
					IDLE_MS * EFI_TIMER_TICKS_PER_MS))) {
		BS->CloseEvent(idle_timer);
		idle_timer = NULL;
	}
	for (int i = 0; i < CALIBRATE_TRIES; i++) {
		t0 = rdtsc();
		BS->Stall(CALIBRATE_US);
		ticks = rdtsc() - t0;
		if (ticks < best)
			best = ticks;
	}
	tsc_per_ms = best / (CALIBRATE_US / 1000);
	/* A TSC that does not count: time in Stall()s, roughly. */
	if (tsc_per_ms == 0)
		tsc_per_ms = 1;
}

/* core/phase.c's clock: the same counter, measured once above. */
uint32_t plat_tsc_khz(void)
{
	return (uint32_t)tsc_per_ms;
}

void plat_console_write(const char *s, size_t len)
{
	if (!boot_services_gone)
		conout_write(s, len);
	if (com1_direct)
		serial16550_write(COM1_PORT, s, len);
}

/*
 * The menu's screen operations: ConOut's own, which OVMF's terminal
 * driver also sends to the serial line as ANSI sequences; COM1 driven
 * directly gets the sequences from here.
 */
void plat_screen_clear(void)
{
	if (!boot_services_gone)
		ST->ConOut->ClearScreen(ST->ConOut);
	if (com1_direct)
		serial16550_write(COM1_PORT, "\x1b[2J\x1b[H", 7);
}

void plat_screen_goto(unsigned row, unsigned col)
{
	char seq[16];
	int n;

	if (!boot_services_gone)
		ST->ConOut->SetCursorPosition(ST->ConOut, col, row);
	if (com1_direct) {
		/* ESC [ row ; col H counts from 1. */
		n = fmt_snprintf(seq, sizeof(seq), "\x1b[%u;%uH", row + 1,
				 col + 1);
		serial16550_write(COM1_PORT, seq, (size_t)n);
	}
}

void console_trace(const struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	(void)ld;
	if (!trace_on)
		return;
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
}

const char *console_status_name(EFI_STATUS status)
{
	static const struct {
		EFI_STATUS status;
		const char *name;
	} names[] = {
#define STATUS(s)	{ s, #s }
		STATUS(EFI_SUCCESS),
		STATUS(EFI_LOAD_ERROR),
		STATUS(EFI_INVALID_PARAMETER),
		STATUS(EFI_UNSUPPORTED),
		STATUS(EFI_BAD_BUFFER_SIZE),
		STATUS(EFI_BUFFER_TOO_SMALL),
		STATUS(EFI_NOT_READY),
		STATUS(EFI_DEVICE_ERROR),
		STATUS(EFI_WRITE_PROTECTED),
		STATUS(EFI_OUT_OF_RESOURCES),
		STATUS(EFI_VOLUME_CORRUPTED),
		STATUS(EFI_VOLUME_FULL),
		STATUS(EFI_NO_MEDIA),
		STATUS(EFI_MEDIA_CHANGED),
		STATUS(EFI_NOT_FOUND),
		STATUS(EFI_ACCESS_DENIED),
		STATUS(EFI_NO_RESPONSE),
		STATUS(EFI_NO_MAPPING),
		STATUS(EFI_TIMEOUT),
		STATUS(EFI_NOT_STARTED),
		STATUS(EFI_ALREADY_STARTED),
		STATUS(EFI_ABORTED),
		STATUS(EFI_ICMP_ERROR),
		STATUS(EFI_TFTP_ERROR),
		STATUS(EFI_PROTOCOL_ERROR),
		STATUS(EFI_INCOMPATIBLE_VERSION),
		STATUS(EFI_SECURITY_VIOLATION),
		STATUS(EFI_CRC_ERROR),
		STATUS(EFI_END_OF_MEDIA),
		STATUS(EFI_END_OF_FILE),
		STATUS(EFI_INVALID_LANGUAGE),
		STATUS(EFI_COMPROMISED_DATA),
#undef STATUS
	};
	static char unknown[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].status == status)
			return names[i].name;
	fmt_snprintf(unknown, sizeof(unknown), "EFI status 0x%llx",
		     (unsigned long long)status);
	return unknown;
}

int plat_key_poll(void)
{
	EFI_INPUT_KEY key;

	if (boot_services_gone ||
	    EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, &key)))
		return KEY_NONE;
	/* SCAN_UP..SCAN_ESC: UEFI's order is ours, Esc aside. */
	switch (key.ScanCode) {
	case SCAN_NULL:
		break;
	case SCAN_UP: return KEY_UP;
	case SCAN_DOWN: return KEY_DOWN;
	case SCAN_RIGHT: return KEY_RIGHT;
	case SCAN_LEFT: return KEY_LEFT;
	case SCAN_HOME: return KEY_HOME;
	case SCAN_END: return KEY_END;
	case SCAN_INSERT: return KEY_INSERT;
	case SCAN_DELETE: return KEY_DELETE;
	case SCAN_PAGE_UP: return KEY_PGUP;
	case SCAN_PAGE_DOWN: return KEY_PGDN;
	case SCAN_ESC: return KEY_ESC;
	default:
		if (key.ScanCode >= SCAN_F1 && key.ScanCode <= SCAN_F10)
			return KEY_F1 + (key.ScanCode - SCAN_F1);
		if (key.ScanCode == SCAN_F11 || key.ScanCode == SCAN_F12)
			return KEY_F11 + (key.ScanCode - SCAN_F11);
		return KEY_NONE;
	}
	if (key.UnicodeChar == CHAR_CARRIAGE_RETURN ||
	    key.UnicodeChar == CHAR_LINEFEED)
		return KEY_ENTER;
	/* Ctrl-A..Ctrl-Z (0x01..0x1a), Backspace and Tab among them. */
	if ((key.UnicodeChar >= 0x01 && key.UnicodeChar <= 0x1a) ||
	    (key.UnicodeChar >= 0x20 && key.UnicodeChar < 0x7f))
		return key.UnicodeChar;
	return KEY_NONE;
}

int plat_serial_poll(void)
{
	return com1_direct ? serial16550_getc(COM1_PORT) : -1;
}

uint32_t plat_time_ms(void)
{
	return (uint32_t)(rdtsc() / tsc_per_ms);
}

void plat_idle(void)
{
	EFI_EVENT events[2];
	UINTN index;

	if (boot_services_gone) {
		__asm__ volatile("pause");
		return;
	}
	if (!idle_timer) {
		BS->Stall(IDLE_MS * 1000);
		return;
	}
	/* Halt until a key or the next tick of the timer. */
	events[0] = ST->ConIn->WaitForKey;
	events[1] = idle_timer;
	BS->WaitForEvent(2, events, &index);
}

void console_boot_services_gone(void)
{
	boot_services_gone = true;
	if (!com1_direct)
		com1_direct = serial16550_init(COM1_PORT);
}

void plat_reboot(void)
{
	/* A runtime service: still there after ExitBootServices. */
	RT->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
	for (;;)
		__asm__ volatile("cli; hlt");
}
