// Package earlyenv fixes the process environment before Fyne's packages
// initialise. Import it (for its side effect) from package main only.
//
// Fyne's lang package reads the locale in its init function and logs
// "Error parsing user locale C" three times on stderr when LANG (or LC_ALL,
// LC_MESSAGES) is C.UTF-8 or another C/POSIX variant with a charset, the
// default in Debian's Docker images and many CI runners: every run printed
// an error it did not have, `wsworkbench serve --help` included.
//
// Package initialisation order is the reason this is a module of its own.
// The Go spec (since 1.21) initialises, at each step, the first package by
// import path whose imports are initialised. Every package of the
// wsworkbench module sorts after fyne.io/..., so its init would run too
// late; this module's path, earlyenv.wsworkbench.local, sorts first and
// imports only os, so its init runs before fyne.io/fyne/v2/lang's.
package earlyenv

import (
	"os"
	"strings"
)

func init() {
	if lang, ok := fallbackLanguage(os.Getenv); ok {
		os.Setenv("LANGUAGE", lang)
	}
}

// fallbackLanguage reports whether the environment names a locale Fyne
// cannot parse, and the LANGUAGE to set so that Fyne reads that instead.
//
// Fyne's locale lookup (github.com/jeandeaual/go-locale) takes the first of
// LC_ALL, LC_MESSAGES and LANG that is set; exactly "C" or "POSIX" means no
// locale (fine); otherwise LANGUAGE wins when set, else the locale's
// language part is parsed as a BCP 47 tag, which "C" and "POSIX" are not.
// LANGUAGE=en gives Fyne English, its fallback, which is what C means; for
// other programs gettext reads LANGUAGE only for message catalogs, so the
// children of the workbench keep speaking English too.
func fallbackLanguage(getenv func(string) string) (string, bool) {
	locale := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if locale == "" || locale == "C" || locale == "POSIX" || getenv("LANGUAGE") != "" {
		return "", false
	}
	language := locale
	if i := strings.IndexAny(language, "_.@"); i >= 0 {
		language = language[:i]
	}
	if language != "C" && language != "POSIX" {
		return "", false
	}
	return "en", true
}
