// SPDX-License-Identifier: MIT
/*
 * console.c - the UEFI loader's messages, on the firmware console and on
 * COM1, and the keyboard (a key to go on after a failure, the menu).
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
 * stopped), and a key to reboot comes from COM1 too.
 */
#include "fmt.h"
#include "loader.h"
#include "portio.h"
#include "layout.h"

/* 16550 UART registers, offsets from COM1_PORT. */
#define UART_THR	0	/* transmit holding (DLAB 0) */
#define UART_DLL	0	/* divisor latch low (DLAB 1) */
#define UART_IER	1	/* interrupt enable (DLAB 0) */
#define UART_DLM	1	/* divisor latch high (DLAB 1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */

#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_FCR_ENABLE	0x07	/* enable and clear both FIFOs */
#define UART_MCR_DTR_RTS 0x03
#define UART_RBR	0	/* receive buffer (DLAB 0) */
#define UART_LSR_DR	0x01	/* data ready */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */
#define UART_LSR_ABSENT	0xff	/* no UART decodes the port */
/* 115200 baud: the divisor of the 1.8432 MHz / 16 clock. */
#define UART_DIVISOR_115200	1
/* Polls of LSR before a character is dropped: never hang on a dead UART. */
#define UART_TX_POLLS	100000

/* EFI time unit for timers: 100 ns. */
#define EFI_TIMER_TICKS_PER_S	10000000ull

#define CONSOLE_LINE_MAX	512

static bool com1_direct;	/* write COM1 ourselves */
static bool boot_services_gone;	/* after ExitBootServices */

/* Program COM1 for 115200 8N1, FIFOs on, no interrupts. */
static bool com1_init(void)
{
	if (inb(COM1_PORT + UART_LSR) == UART_LSR_ABSENT)
		return false;
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
	outb(COM1_PORT + UART_DLL, UART_DIVISOR_115200 & 0xff);
	outb(COM1_PORT + UART_DLM, UART_DIVISOR_115200 >> 8);
	outb(COM1_PORT + UART_LCR, UART_LCR_8N1);
	outb(COM1_PORT + UART_FCR, UART_FCR_ENABLE);
	outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS);
	return true;
}

static void com1_putc(char c)
{
	for (unsigned i = 0; i < UART_TX_POLLS; i++)
		if (inb(COM1_PORT + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1_PORT + UART_THR, (uint8_t)c);
}

static void com1_write(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			com1_putc('\r');
		com1_putc(*s);
	}
}

/*
 * ConOut takes UCS-2 and wants "\r\n"; text here is ASCII. Its status is
 * not checked: a console that cannot print has nowhere to say so.
 */
static void conout_write(const char *s)
{
	CHAR16 buf[128];
	unsigned n = 0;

	for (; *s; s++) {
		if (n + 3 > sizeof(buf) / sizeof(buf[0])) {
			buf[n] = 0;
			ST->ConOut->OutputString(ST->ConOut, buf);
			n = 0;
		}
		if (*s == '\n')
			buf[n++] = L'\r';
		buf[n++] = (CHAR16)(unsigned char)*s;
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

void console_init(void)
{
	com1_direct = !conout_has_uart() && com1_init();
}

static void console_write(const char *s)
{
	if (!boot_services_gone)
		conout_write(s);
	if (com1_direct)
		com1_write(s);
}

void console_printf(const char *fmt, ...)
{
	char line[CONSOLE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line);
}

void console_trace(const struct loader *ld, const char *fmt, ...)
{
	char line[CONSOLE_LINE_MAX];
	va_list ap;

	if (!ld->trace)
		return;
	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	console_write(line);
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

int console_poll_key(void)
{
	EFI_INPUT_KEY key;

	if (EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, &key)))
		return -1;
	return key.UnicodeChar;
}

EFI_EVENT console_deadline(unsigned timeout_s)
{
	EFI_EVENT timer;

	if (EFI_ERROR(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer)))
		return NULL;
	if (EFI_ERROR(BS->SetTimer(timer, TimerRelative,
				   timeout_s * EFI_TIMER_TICKS_PER_S))) {
		BS->CloseEvent(timer);
		return NULL;
	}
	return timer;
}

void console_deadline_done(EFI_EVENT deadline)
{
	BS->CloseEvent(deadline);
}

int console_read_key(EFI_EVENT deadline)
{
	EFI_EVENT events[2] = { ST->ConIn->WaitForKey, deadline };
	UINTN index;
	EFI_INPUT_KEY key;
	EFI_STATUS st;

	for (;;) {
		st = BS->WaitForEvent(deadline ? 2 : 1, events, &index);
		if (EFI_ERROR(st) || index == 1)
			return -1;
		st = ST->ConIn->ReadKeyStroke(ST->ConIn, &key);
		/* A key event can fire without a key to read: wait again. */
		if (st != EFI_NOT_READY)
			return EFI_ERROR(st) ? -1 : key.UnicodeChar;
	}
}

void console_boot_services_gone(void)
{
	boot_services_gone = true;
	if (!com1_direct)
		com1_direct = com1_init();
}

void console_reboot(void)
{
	/* A runtime service: still there after ExitBootServices. */
	RT->ResetSystem(EfiResetCold, EFI_SUCCESS, 0, NULL);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void console_fatal(void)
{
	console_printf("bzboot: cannot boot. Press a key to reboot.\n");
	if (!boot_services_gone) {
		/* Keys typed before the failure do not count. */
		ST->ConIn->Reset(ST->ConIn, FALSE);
		console_read_key(NULL);
	} else if (com1_direct) {
		/* No ConIn any more: the key comes from COM1. */
		while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_DR))
			__asm__ volatile("pause");
		inb(COM1_PORT + UART_RBR);
	} else {
		/* Neither keyboard nor serial line: stay here. */
		for (;;)
			__asm__ volatile("cli; hlt");
	}
	console_reboot();
}
