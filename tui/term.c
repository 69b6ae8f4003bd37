/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "term.h"

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <term.h>
#include <unistd.h>
#include <wchar.h>

#include "i18n.h"
#include "util.h"

/* curses itself is one global terminal, so its owner keeps one state too. */
static struct {
        SCREEN *screen;
        /* the key reader's: the character begun so far, and a byte read but
         * not decoded yet (-1: none), the one that showed a sequence broken */
        mbstate_t key_state;
        bool key_begun;
        int key_held;
        enum tui_lines line_mode;
        bool colour;
        bool utf8;
        attr_t attrs[_TUI_STYLE_MAX];
        short pairs[_TUI_STYLE_MAX];
        cchar_t line_cells[_TUI_LINE_PART_MAX];
} term;


/* Escape sequences are short and come in one burst on a pty or a serial line
 * at 9600 baud or more; a long wait would make Esc feel broken. */
#define TUI_ESCDELAY_MS 25

static bool env_true(const char *name) {
        const char *v = getenv(name);
        return v && *v && !streq(v, "0");
}

/* Serial consoles end in terminals of every kind, many of which show the
 * vt100 alternate character set as letters (lqqqk) when they are in UTF-8
 * mode; plain ASCII is the one choice that reads right on all of them. */
static bool on_serial_line(void) {
        const char *name = ttyname(STDIN_FILENO);
        if (!name)
                return false;
        static const char *const serial[] = { "/dev/ttyS", "/dev/ttyUSB", "/dev/ttyAMA", "/dev/hvc",
                                              "/dev/ttysclp", "/dev/ttyACM", "/dev/ttymxc" };
        for (size_t i = 0; i < ELEMENTSOF(serial); i++)
                if (startswith(name, serial[i]))
                        return true;
        return false;
}

/* Real DEC-style terminals (and what claims to be one) cannot show UTF-8. */
static bool hardware_terminal(void) {
        const char *t = getenv("TERM");
        if (!t)
                return true;
        return startswith(t, "vt1") || startswith(t, "vt2") || startswith(t, "vt3") ||
               startswith(t, "vt4") || startswith(t, "vt5") || streq(t, "ansi") || streq(t, "dumb");
}

/* Choice, first match wins: NODECON_LINES=ascii|acs|utf8 or NODECON_ASCII=1;
 * a serial device ⇒ ASCII; UTF-8 locale on a terminal that is not a DEC
 * hardware type ⇒ UTF-8; the terminal has acsc ⇒ ACS; else ASCII. */
static enum tui_lines choose_lines(void) {
        const char *forced = getenv("NODECON_LINES");
        if (forced && streq(forced, "ascii"))
                return TUI_LINES_ASCII;
        if (forced && streq(forced, "acs"))
                return TUI_LINES_ACS;
        if (forced && streq(forced, "utf8") && term.utf8)
                return TUI_LINES_UTF8;
        if (env_true("NODECON_ASCII") || on_serial_line())
                return TUI_LINES_ASCII;
        if (term.utf8 && !hardware_terminal())
                return TUI_LINES_UTF8;
        const char *acsc = tigetstr((char *)"acsc");
        if (acsc && acsc != (char *)-1 && *acsc)
                return TUI_LINES_ACS;
        return TUI_LINES_ASCII;
}

static void set_wide_cell(cchar_t *cell, wchar_t wc) {
        wchar_t s[2] = { wc, L'\0' };
        setcchar(cell, s, A_NORMAL, 0, NULL);
}

static void setup_lines(void) {
        static const wchar_t utf8[_TUI_LINE_PART_MAX] = {
                [TUI_HLINE] = L'─', [TUI_VLINE] = L'│', [TUI_ULCORNER] = L'┌', [TUI_URCORNER] = L'┐',
                [TUI_LLCORNER] = L'└', [TUI_LRCORNER] = L'┘', [TUI_LTEE] = L'├', [TUI_RTEE] = L'┤',
                [TUI_TTEE] = L'┬', [TUI_BTEE] = L'┴', [TUI_PLUS] = L'┼', [TUI_BLOCK] = L'█',
        };
        static const wchar_t ascii[_TUI_LINE_PART_MAX] = {
                [TUI_HLINE] = L'-', [TUI_VLINE] = L'|', [TUI_ULCORNER] = L'+', [TUI_URCORNER] = L'+',
                [TUI_LLCORNER] = L'`', [TUI_LRCORNER] = L'+', [TUI_LTEE] = L'|', [TUI_RTEE] = L'|',
                [TUI_TTEE] = L'+', [TUI_BTEE] = L'+', [TUI_PLUS] = L'+', [TUI_BLOCK] = L'#',
        };
        for (int p = 0; p < _TUI_LINE_PART_MAX; p++) {
                switch (term.line_mode) {
                case TUI_LINES_UTF8:
                        set_wide_cell(&term.line_cells[p], utf8[p]);
                        break;
                case TUI_LINES_ASCII:
                        set_wide_cell(&term.line_cells[p], ascii[p]);
                        break;
                case TUI_LINES_ACS: {
                        const cchar_t *acs[_TUI_LINE_PART_MAX] = {
                                WACS_HLINE, WACS_VLINE, WACS_ULCORNER, WACS_URCORNER, WACS_LLCORNER,
                                WACS_LRCORNER, WACS_LTEE, WACS_RTEE, WACS_TTEE, WACS_BTEE, WACS_PLUS,
                                WACS_CKBOARD,
                        };
                        term.line_cells[p] = *acs[p];
                        break;
                }
                }
        }
        /* A reverse-video blank is a solid block on every terminal, ASCII too. */
        if (term.line_mode != TUI_LINES_UTF8)
                setcchar(&term.line_cells[TUI_BLOCK], L" ", A_REVERSE, 0, NULL);
}

static void setup_styles(void) {
        /* Without colour every meaning still reads: reverse for bars and the
         * selection, bold for headers and problems, underline for fields. */
        static const attr_t mono[_TUI_STYLE_MAX] = {
                [TUI_STYLE_NORMAL] = A_NORMAL,    [TUI_STYLE_TITLE] = A_REVERSE,
                [TUI_STYLE_HELP] = A_NORMAL,      [TUI_STYLE_HELP_KEY] = A_REVERSE,
                [TUI_STYLE_HEADER] = A_BOLD,      [TUI_STYLE_SELECTED] = A_REVERSE,
                [TUI_STYLE_LABEL] = A_NORMAL,     [TUI_STYLE_GOOD] = A_NORMAL,
                [TUI_STYLE_WARNING] = A_BOLD,     [TUI_STYLE_ERROR] = A_BOLD,
                [TUI_STYLE_DIALOG] = A_NORMAL,    [TUI_STYLE_DISABLED] = A_NORMAL,
                [TUI_STYLE_FIELD] = A_UNDERLINE,
        };
        memcpy(term.attrs, mono, sizeof mono);
        memset(term.pairs, 0, sizeof term.pairs);
        if (!term.colour)
                return;

        start_color();
        use_default_colors();
        static const struct { enum tui_style style; short fg, bg; attr_t attr; } scheme[] = {
                { TUI_STYLE_TITLE, COLOR_WHITE, COLOR_BLUE, A_BOLD },
                { TUI_STYLE_HELP_KEY, COLOR_BLACK, COLOR_CYAN, A_NORMAL },
                { TUI_STYLE_HEADER, COLOR_CYAN, -1, A_BOLD },
                { TUI_STYLE_SELECTED, COLOR_BLACK, COLOR_CYAN, A_NORMAL },
                { TUI_STYLE_GOOD, COLOR_GREEN, -1, A_NORMAL },
                { TUI_STYLE_WARNING, COLOR_YELLOW, -1, A_BOLD },
                { TUI_STYLE_ERROR, COLOR_RED, -1, A_BOLD },
                { TUI_STYLE_DISABLED, COLOR_BLUE, -1, A_NORMAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(scheme); i++) {
                short pair = (short)(i + 1);
                init_pair(pair, scheme[i].fg, scheme[i].bg);
                term.pairs[scheme[i].style] = pair;
                term.attrs[scheme[i].style] = scheme[i].attr;
        }
}

int tui_term_init(void) {
        /* Set before curses starts: it only installs its own handlers for
         * signals still at SIG_DFL, and these must never stop the console. */
        signal(SIGINT, SIG_IGN);
        signal(SIGQUIT, SIG_IGN);
        signal(SIGTSTP, SIG_IGN);
        signal(SIGPIPE, SIG_IGN);

        const char *codeset = nl_langinfo(CODESET);
        term.utf8 = codeset && streq(codeset, "UTF-8");
        memset(&term.key_state, 0, sizeof term.key_state);
        term.key_begun = false;
        term.key_held = -1;

        set_escdelay(TUI_ESCDELAY_MS);
        term.screen = newterm(NULL, stdout, stdin);
        if (!term.screen)
                return -ENOTTY;
        set_term(term.screen);
        cbreak();
        noecho();
        nonl();
        intrflush(stdscr, FALSE);
        keypad(stdscr, TRUE);
        curs_set(0);

        const char *no_colour = getenv("NO_COLOR");
        term.colour = has_colors() && !(no_colour && *no_colour);
        term.line_mode = choose_lines();
        setup_lines();
        setup_styles();
        return 0;
}

void tui_term_end(void) {
        if (!term.screen)
                return;
        curs_set(1);
        endwin();
        /* No delscreen(): it frees the SCREEN but not the panel library's
         * stdscr pseudo-panel hanging off it, turning memory curses still
         * reaches into a leak; the process ends right after this anyway. */
        term.screen = NULL;
}

void tui_term_suspend(void) {
        if (!term.screen)
                return;
        curs_set(1);
        endwin();
        /* the shell starts on a clean screen, not under the console's last frame */
        fputs("\r\n", stdout);
        fflush(stdout);
}

void tui_term_resume(void) {
        if (!term.screen)
                return;
        reset_prog_mode();
        curs_set(0);
        tui_term_update_size();
}

enum tui_lines tui_term_lines(void) { return term.line_mode; }
bool tui_term_has_colour(void) { return term.colour; }
bool tui_term_utf8(void) { return term.utf8; }
attr_t tui_attr(enum tui_style style) { return term.attrs[style]; }
short tui_pair(enum tui_style style) { return term.pairs[style]; }

void tui_set_style(WINDOW *w, enum tui_style style) {
        wattr_set(w, term.attrs[style], term.pairs[style], NULL);
}

const cchar_t *tui_line(enum tui_line_part part) { return &term.line_cells[part]; }

void tui_hline(WINDOW *w, int y, int x, int n) {
        if (n > 0)
                mvwhline_set(w, y, x, &term.line_cells[TUI_HLINE], n);
}

void tui_vline(WINDOW *w, int y, int x, int n) {
        if (n > 0)
                mvwvline_set(w, y, x, &term.line_cells[TUI_VLINE], n);
}

void tui_box(WINDOW *w, int y, int x, int rows, int cols) {
        if (rows < 2 || cols < 2)
                return;
        const cchar_t *c = term.line_cells;
        mvwadd_wch(w, y, x, &c[TUI_ULCORNER]);
        tui_hline(w, y, x + 1, cols - 2);
        mvwadd_wch(w, y, x + cols - 1, &c[TUI_URCORNER]);
        tui_vline(w, y + 1, x, rows - 2);
        tui_vline(w, y + 1, x + cols - 1, rows - 2);
        mvwadd_wch(w, y + rows - 1, x, &c[TUI_LLCORNER]);
        tui_hline(w, y + rows - 1, x + 1, cols - 2);
        mvwadd_wch(w, y + rows - 1, x + cols - 1, &c[TUI_LRCORNER]);
}

void tui_term_update_size(void) {
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
            (ws.ws_row != LINES || ws.ws_col != COLS))
                resizeterm(ws.ws_row, ws.ws_col);
        /* What the terminal shows after it resized is anyone's guess (some
         * reflow, some clear): repaint everything once. */
        clearok(curscr, TRUE);
}

bool tui_term_too_small(void) { return COLS < TUI_MIN_COLS || LINES < TUI_MIN_ROWS; }

void tui_term_force_repaint(void) { clearok(curscr, TRUE); }

/* Forgets the character begun: what was read of it is dropped. */
static enum tui_key_kind drop_begun_key(void) {
        memset(&term.key_state, 0, sizeof term.key_state);
        term.key_begun = false;
        return TUI_KEY_INVALID;
}

enum tui_key_kind tui_term_read_key(WINDOW *w, wint_t *key) {
        /* wgetch() hands over single bytes (and KEY_ codes, all above any
         * byte); they are decoded here, where a broken sequence can end
         * without taking the next byte with it. */
        for (;;) {
                int c = term.key_held >= 0 ? term.key_held : wgetch(w);
                term.key_held = -1;
                if (c == ERR)
                        return TUI_KEY_NONE;
                if (c >= KEY_MIN) {
                        if (term.key_begun) {
                                term.key_held = c;
                                return drop_begun_key();
                        }
                        *key = (wint_t)c;
                        return TUI_KEY_FUNCTION;
                }
                char byte = (char)c;
                wchar_t wc = L'\0';
                size_t used = mbrtowc(&wc, &byte, 1, &term.key_state);
                if (used == (size_t)-2) {
                        term.key_begun = true;
                        continue;
                }
                if (used == (size_t)-1) {
                        /* A byte that cannot go on a sequence may well start
                         * the next key ("é" in Latin-1, then "a"). */
                        if (term.key_begun)
                                term.key_held = c;
                        return drop_begun_key();
                }
                term.key_begun = false;
                *key = (wint_t)wc;
                return TUI_KEY_CHAR;
        }
}

/* UTF-8 (or the locale's charset) to wide characters; bytes the locale cannot
 * decode become '?' so nothing undecodable ever reaches the terminal. */
static size_t to_wide(const char *s, wchar_t *out, size_t cap) {
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = 0, len = strlen(s);
        while (len > 0 && n + 1 < cap) {
                wchar_t wc;
                size_t k = mbrtowc(&wc, s, len, &st);
                if (k == (size_t)-1 || k == (size_t)-2) {
                        wc = L'?';
                        k = 1;
                        memset(&st, 0, sizeof st);
                } else if (k == 0) {
                        break;
                }
                if (wc < L' ' || wc == 0x7f)
                        wc = L' ';
                out[n++] = wc;
                s += k;
                len -= k;
        }
        out[n] = L'\0';
        return n;
}

static int wide_width(wchar_t wc) {
        int w = wcwidth(wc);
        return w < 0 ? 1 : w;
}

int tui_text_width(const char *s) {
        wchar_t buf[1024];
        size_t n = to_wide(s ? s : "", buf, ELEMENTSOF(buf));
        int w = 0;
        for (size_t i = 0; i < n; i++)
                w += wide_width(buf[i]);
        return w;
}

static void put_aligned(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style,
                        int align) {
        if (width <= 0)
                return;
        wchar_t buf[1024];
        size_t n = to_wide(s ? s : "", buf, ELEMENTSOF(buf));
        int used = 0;
        size_t keep = 0;
        for (; keep < n; keep++) {
                int cw = wide_width(buf[keep]);
                if (used + cw > width)
                        break;
                used += cw;
        }
        if (keep < n && keep > 0) {
                /* Clipped: say so in the last column rather than cut silently. */
                bool fancy = term.utf8 && term.line_mode != TUI_LINES_ASCII;
                while (keep > 0 && used + 1 > width) {
                        keep--;
                        used -= wide_width(buf[keep]);
                }
                buf[keep++] = fancy ? L'…' : L'~';
                used += 1;
        }
        int lead = align > 0 ? width - used : align == 0 ? (width - used) / 2 : 0;
        tui_set_style(w, style);
        wmove(w, y, x);
        for (int i = 0; i < lead; i++)
                waddch(w, ' ');
        if (keep > 0)
                waddnwstr(w, buf, (int)keep);
        for (int i = lead + used; i < width; i++)
                waddch(w, ' ');
        tui_set_style(w, TUI_STYLE_NORMAL);
}

void tui_put(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style) {
        put_aligned(w, y, x, width, s, style, -1);
}

void tui_put_right(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style) {
        put_aligned(w, y, x, width, s, style, 1);
}

void tui_put_center(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style) {
        put_aligned(w, y, x, width, s, style, 0);
}

/* Length in bytes of the longest prefix of s that fits in width columns and
 * ends at a blank (or the whole word when one word is wider than a row). */
static size_t wrap_length(const char *s, int width) {
        if (tui_text_width(s) <= width)
                return strlen(s);
        size_t best = 0, len = strlen(s);
        char probe[1024];
        for (size_t i = 1; i < len && i < sizeof probe; i++) {
                if (s[i] != ' ')
                        continue;
                snprintf(probe, sizeof probe, "%.*s", (int)i, s);
                if (tui_text_width(probe) > width)
                        break;
                best = i;
        }
        if (best)
                return best;
        /* No blank early enough: cut the word at the width, whole characters only. */
        size_t cut = 0;
        for (size_t i = 1; i <= len && i < sizeof probe; i++) {
                if ((s[i] & 0xc0) == 0x80)
                        continue;
                snprintf(probe, sizeof probe, "%.*s", (int)i, s);
                if (tui_text_width(probe) > width)
                        break;
                cut = i;
        }
        return cut ? cut : 1;
}

int tui_put_wrapped(WINDOW *w, int y, int x, int width, int max_rows, const char *s, enum tui_style style) {
        int used = 0;
        char line[1024];
        while (s && *s && used < max_rows) {
                while (*s == ' ')
                        s++;
                size_t n = wrap_length(s, width);
                snprintf(line, sizeof line, "%.*s", (int)n, s);
                tui_put(w, y + used++, x, width, line, style);
                s += n;
        }
        return used;
}

int tui_wrapped_rows(const char *s, int width, int *widest) {
        int rows = 0, wide = 0;
        char line[1024];
        while (s && *s) {
                while (*s == ' ')
                        s++;
                if (!*s)
                        break;
                size_t n = wrap_length(s, width);
                snprintf(line, sizeof line, "%.*s", (int)n, s);
                int lw = tui_text_width(line);
                if (lw > wide)
                        wide = lw;
                rows++;
                s += n;
        }
        if (widest)
                *widest = wide;
        return rows;
}

void tui_term_draw_too_small(WINDOW *w) {
        werase(w);
        const char *times = term.utf8 ? "×" : "x";
        char msg[256];
        /* TRANSLATORS: %s is the multiplication sign (× or x). */
        snprintf(msg, sizeof msg, _("nodecon needs at least %d%s%d; this terminal is %d%s%d"),
                 TUI_MIN_COLS, times, TUI_MIN_ROWS, COLS, times, LINES);
        int cols = getmaxx(w), rows = getmaxy(w);
        int width, n = tui_wrapped_rows(msg, cols, &width);
        int top = rows > n ? (rows - n) / 2 : 0;
        tui_put_wrapped(w, top, (cols - width) / 2, width, rows - top, msg, TUI_STYLE_NORMAL);
}
