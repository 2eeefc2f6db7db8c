# Two commands do everything on a fresh Debian/Ubuntu machine:
#   make run    install what is missing, build (release) and start Kinelab
#   make test   install what is missing and run the whole test suite
SHELL := /bin/bash
ORT_VERSION ?= 1.31.1
export KINELAB_CACHE ?= $(HOME)/.cache/kinelab
export ORT_DYLIB_PATH ?= $(KINELAB_CACHE)/onnxruntime/$(ORT_VERSION)/libonnxruntime.so.$(ORT_VERSION)
export KINELAB_PYTHON ?= $(CURDIR)/.venv/bin/python
export ORT_VERSION

.PHONY: setup build run test lint bench clean

setup:
	@scripts/setup

build: setup
	cargo build --release

# Opens the app on the demo project (copied to ~/.local/share/kinelab/demo once;
# labels made there are kept).
run: build
	./target/release/kinelab demo

test: setup
	cargo test --all-targets

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings

# Side-by-side figures against the peers in ../shared/bench (see scripts/bench-video).
bench: build
	scripts/bench-video

clean:
	cargo clean
