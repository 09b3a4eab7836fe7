# rightsdesk — see README.md for what each target does.
GO       ?= go
BIN      ?= bin/rightsdesk
FUZZTIME ?= 4s
BENCHTIME ?= 1x

.PHONY: build run test deps fmt-check vet staticcheck unit fuzz bench clean

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/rightsdesk

## run: open the desk on the default database (your data directory)
run:
	$(GO) run ./cmd/rightsdesk

## test: gofmt check, go vet, staticcheck and the race-enabled test suite
test: deps fmt-check vet staticcheck unit

## deps: install the tools the tests drive (tmux, sqlite3, unzip, poppler-utils)
deps:
	@sh .ci/deps

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

unit:
	$(GO) test -race -timeout 20m ./...

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## bench: run every benchmark with memory figures, one package at a time
## (packages run side by side would share the CPU and skew each other)
bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -timeout 60m ./...

clean:
	rm -rf bin
