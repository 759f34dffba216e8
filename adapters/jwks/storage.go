package jwks

import (
	"context"
	"crypto/rsa"
	"errors"
	"slices"

	"github.com/MicahParks/jwkset"
)

// minRSABits is the shortest RSA modulus accepted from a key set: RFC 7518 requires 2048 bits
// for RS256, and shorter keys can be factored.
const minRSABits = 2048

// errNoUsableKey fails a fetch whose set holds no key an RS256 verifier may use.
var errNoUsableKey = errors.New("the key set holds no usable RS256 key")

// rs256Keys is the storage jwkset writes each fetched set to. It keeps only the keys an RS256
// verifier may use, and refuses a set with none of them: jwkset then reports the fetch as
// failed and the keys of the last good set stay, instead of an empty set locking everyone out.
type rs256Keys struct{ *jwkset.MemoryJWKSet }

// KeyReplaceAll installs the usable keys of given, or fails with errNoUsableKey.
func (k rs256Keys) KeyReplaceAll(ctx context.Context, given []jwkset.JWK) error {
	usable := slices.DeleteFunc(slices.Clone(given), func(j jwkset.JWK) bool { return !usableRS256(j) })
	if len(usable) == 0 {
		return errNoUsableKey
	}
	return k.MemoryJWKSet.KeyReplaceAll(ctx, usable)
}

// usableRS256 reports whether j is a public RSA key with a kid, meant for signatures (or for
// nothing in particular) with RS256 (or no alg), of at least minRSABits and an odd exponent
// above 2. Providers publish encryption and other algorithms' keys beside the signing keys; a
// published private key is refused, since anyone could sign with it.
func usableRS256(j jwkset.JWK) bool {
	m := j.Marshal()
	if m.KTY != jwkset.KtyRSA || m.KID == "" || (m.USE != "" && m.USE != jwkset.UseSig) || (m.ALG != "" && m.ALG != jwkset.AlgRS256) {
		return false
	}
	pub, ok := j.Key().(*rsa.PublicKey)
	return ok && pub.N.BitLen() >= minRSABits && pub.E > 2 && pub.E%2 == 1
}
