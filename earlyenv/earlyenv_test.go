package earlyenv

import "testing"

func TestFallbackLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // "" when nothing is set
	}{
		{"unset", nil, ""},
		{"C", map[string]string{"LANG": "C"}, ""},
		{"POSIX", map[string]string{"LANG": "POSIX"}, ""},
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"C.utf8", map[string]string{"LANG": "C.utf8"}, "en"},
		{"POSIX with a charset", map[string]string{"LANG": "POSIX.UTF-8"}, "en"},
		{"LC_ALL wins over LANG", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"}, "en"},
		{"LC_ALL fine, LANG C.UTF-8", map[string]string{"LC_ALL": "de_DE.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"LC_MESSAGES", map[string]string{"LC_MESSAGES": "C.UTF-8"}, "en"},
		{"a real locale", map[string]string{"LANG": "en_GB.UTF-8"}, ""},
		{"LANGUAGE already set", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fallbackLanguage(func(k string) string { return tt.env[k] })
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("fallbackLanguage = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

// FuzzFallbackLanguage: whatever the environment holds, the answer is "en"
// exactly when the effective locale is a C or POSIX one with a suffix and
// LANGUAGE is unset.
func FuzzFallbackLanguage(f *testing.F) {
	f.Add("", "", "C.UTF-8", "")
	f.Add("C.utf8", "", "de_DE", "")
	f.Add("", "POSIX@euro", "", "fr")
	f.Fuzz(func(t *testing.T, lcAll, lcMessages, lang, language string) {
		env := map[string]string{"LC_ALL": lcAll, "LC_MESSAGES": lcMessages, "LANG": lang, "LANGUAGE": language}
		got, ok := fallbackLanguage(func(k string) string { return env[k] })
		if ok != (got == "en") || ok && language != "" {
			t.Fatalf("fallbackLanguage = %q, %v for %q", got, ok, env)
		}
	})
}
