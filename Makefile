# wsworkbench: two commands do all set-up on a fresh Debian 12 machine with Go.
#   make run    installs what the app needs, then opens the window (the built-in sample API at first)
#   make test   installs what the tests need, then runs go vet and every test under -race
# Both are idempotent and never ask.

GO ?= go
TAGS ?= ci
# The app runs in Fyne's fyneDo mode (FyneApp.toml [Migrations]), as fyne package builds it.
APPTAGS ?= migrated_fynedo

.PHONY: run test setup setup-app vet build warm bench package

run: setup-app
	$(GO) run -tags $(APPTAGS) . $(ARGS)

# warm builds the real program once before the tests, so the smoke and interop
# tests (which build it again) hit the cache; -timeout leaves room for a cold
# machine, where Fyne's C code alone takes minutes.
test: setup vet warm
	$(GO) test -race -tags $(TAGS) -count=1 -timeout 30m ./...
	$(GO) test -C earlyenv -count=1 ./...

warm:
	$(GO) build -tags $(APPTAGS) -o /dev/null .

setup:
	@bash scripts/setup.sh test

setup-app:
	@bash scripts/setup.sh app

vet:
	$(GO) vet -tags $(TAGS) ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

build: setup-app
	$(GO) build -tags $(APPTAGS) -o bin/wsworkbench .

# bench measures; it asserts nothing. The Go benchmarks of the emulator's
# packages, then the gateway load benchmark (test/load; LOADFLAGS=-h lists
# its flags). docs/PERFORMANCE.md records the numbers.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./emulator/...
	$(GO) run ./test/load $(LOADFLAGS)

# package makes wsworkbench.tar.xz (binary, icon, .desktop file) with the Fyne
# tool of the pinned Fyne version; `fyne package` from fyne.io/tools does the same.
package: setup-app
	$(GO) run fyne.io/fyne/v2/cmd/fyne@v2.8.0 package -os linux -release
