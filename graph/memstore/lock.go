package memstore

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes an exclusive advisory lock beside the store file, so that two
// ingest runs on the same store wait for each other instead of losing one
// run's writes. Readers need no lock: the file is only ever replaced whole.
// The returned function releases the lock.
func Lock(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create store folder: %w", err)
	}
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open store lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock store: %w", err)
	}
	// Temporary files of writers killed part-way are never renamed over
	// the store; with the lock held, no live writer owns one.
	if stale, err := filepath.Glob(path + ".tmp-*"); err == nil {
		for _, name := range stale {
			os.Remove(name)
		}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
