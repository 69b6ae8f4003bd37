/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The one place that owns the terminal (in the manner of htop's CRT.c): curses
 * setup and teardown, the line-drawing mode, the attribute scheme with or
 * without colour, signals and the minimum-size check.  Nothing else in nodecon
 * calls initscr(), endwin(), start_color() or touches terminal signals. */

#include <stdbool.h>

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24

/* How boxes and tree lines are drawn.  ACS is the terminal's own alternate
 * character set (vt100 "special graphics"); UTF-8 writes U+2500 box drawing
 * characters; ASCII uses - | + and always survives a serial line. */
enum tui_lines {
        TUI_LINES_ASCII,
        TUI_LINES_ACS,
        TUI_LINES_UTF8,
};

enum tui_line_part {
        TUI_HLINE, TUI_VLINE,
        TUI_ULCORNER, TUI_URCORNER, TUI_LLCORNER, TUI_LRCORNER,
        TUI_LTEE, TUI_RTEE, TUI_TTEE, TUI_BTEE, TUI_PLUS,
        TUI_BLOCK,                        /* filled cell of a progress bar */
        _TUI_LINE_PART_MAX,
};

/* Meaning of a piece of text; term.c maps it to colour or to plain attributes. */
enum tui_style {
        TUI_STYLE_NORMAL,
        TUI_STYLE_TITLE,        /* title bar */
        TUI_STYLE_HELP,         /* help line at the bottom */
        TUI_STYLE_HELP_KEY,     /* the key in the help line */
        TUI_STYLE_HEADER,       /* table column headers, section labels */
        TUI_STYLE_SELECTED,     /* selected row or button */
        TUI_STYLE_LABEL,        /* "Hostname:" */
        TUI_STYLE_GOOD,
        TUI_STYLE_WARNING,
        TUI_STYLE_ERROR,
        TUI_STYLE_DIALOG,       /* dialog body */
        TUI_STYLE_DISABLED,     /* a button that cannot be pressed now */
        TUI_STYLE_FIELD,        /* editable text field */
        _TUI_STYLE_MAX,
};

#define TUI_CTRL(c) ((c) & 0x1f)
#define TUI_KEY_ESC 27

/* Sets signal dispositions, starts curses on the controlling terminal and
 * picks the line mode and attribute scheme.  Signals: SIGINT, SIGQUIT and
 * SIGTSTP are ignored (Ctrl-C/Ctrl-\/Ctrl-Z never kill the console); SIGTERM,
 * SIGHUP and SIGWINCH are left to the main loop (see loop.c), which must
 * install its handlers before this is called so curses does not take them. */
int tui_term_init(void);
/* Restores the terminal; safe to call twice. */
void tui_term_end(void);
/* Gives the terminal back for a while (a rescue shell runs on it) and takes
 * it again; resume repaints everything at the next update. */
void tui_term_suspend(void);
void tui_term_resume(void);

enum tui_lines tui_term_lines(void);
bool tui_term_has_colour(void);
bool tui_term_utf8(void);                 /* the locale's charset is UTF-8 */
attr_t tui_attr(enum tui_style style);
/* Colour pair of a style (0 without colour); use with wattr_set / setcchar. */
short tui_pair(enum tui_style style);
void tui_set_style(WINDOW *w, enum tui_style style);

/* A line-drawing cell in the current mode. */
const cchar_t *tui_line(enum tui_line_part part);
void tui_hline(WINDOW *w, int y, int x, int n);
void tui_vline(WINDOW *w, int y, int x, int n);
void tui_box(WINDOW *w, int y, int x, int rows, int cols);

/* What tui_term_read_key() got. */
enum tui_key_kind {
        TUI_KEY_NONE,             /* nothing more to read now */
        TUI_KEY_CHAR,             /* a character of the locale's charset */
        TUI_KEY_FUNCTION,         /* a curses KEY_ code (arrows, F-keys, KEY_RESIZE) */
        TUI_KEY_INVALID,          /* bytes that are no character: one key to drop */
};
/* Reads the next key from w (keypad and nodelay on) as wget_wch() would,
 * except for bytes that are no character in the locale's charset (0xff, or
 * a Latin-1 "é" on a UTF-8 terminal): wget_wch() takes every byte after
 * such a one into the broken sequence, so the keys typed or pasted after it
 * are lost.  Here the broken bytes end as one TUI_KEY_INVALID and the byte
 * that showed them broken comes next as a key of its own.  The start of a
 * character whose other bytes have not come yet waits for them. */
enum tui_key_kind tui_term_read_key(WINDOW *w, wint_t *key);

/* Reads the size from the terminal and resizes curses' idea of it. */
void tui_term_update_size(void);
bool tui_term_too_small(void);
/* Fills w with the centered "needs at least 80x24" message. */
void tui_term_draw_too_small(WINDOW *w);
/* Ctrl-L: forget what the terminal shows and repaint everything next update. */
void tui_term_force_repaint(void);

/* Text helpers that know about display width (UTF-8, wide characters). */
int tui_text_width(const char *s);
/* Writes s at y,x in exactly width columns: clipped, then padded with blanks
 * so a shorter new value fully overwrites an old one. */
void tui_put(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style);
/* Writes s wrapped at blanks into at most max_rows rows of width columns
 * (each row padded); returns the rows used. */
int tui_put_wrapped(WINDOW *w, int y, int x, int width, int max_rows, const char *s, enum tui_style style);
/* How many rows tui_put_wrapped() would use for s, and the widest of them. */
int tui_wrapped_rows(const char *s, int width, int *widest);
/* Same, right-aligned or centered in width. */
void tui_put_right(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style);
void tui_put_center(WINDOW *w, int y, int x, int width, const char *s, enum tui_style style);
