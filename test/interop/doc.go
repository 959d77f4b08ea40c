// Package interop checks the gateway against clients nobody on the team
// wrote: wscat, the AWS CLI, the AWS SDK for JavaScript v3 and Chromium. Each
// test starts the real wsworkbench binary (wsworkbench serve) on loopback and
// drives it with one of those clients, so what passes here is what AWS's own
// tools accept, not what our own client expects.
//
// The clients come from scripts/setup.sh (Debian's awscli and chromium, and
// npm install in this directory). A missing client fails its test with
// "run scripts/setup.sh"; nothing here is skipped.
package interop
