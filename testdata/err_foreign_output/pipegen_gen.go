// This file was written by hand: pipegen must not overwrite it.

package p
