package jwks

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// minRSABits is the shortest RSA modulus accepted from a key set: RFC 7518 requires 2048 bits
// for RS256, and shorter keys can be factored.
const minRSABits = 2048

// jsonWebKey is the part of an RFC 7517 JSON Web Key an RS256 verifier needs.
type jsonWebKey struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// parse returns the RS256 signing keys of a JSON Web Key Set by kid. Keys of other types or
// uses, without a kid, or with unusable parameters are skipped, since providers publish
// encryption and other algorithms' keys beside the signing keys and one odd key must not cost
// the others; a set with none left is an error.
func parse(body []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []jsonWebKey `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("parse the key set: %w", err)
	}
	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" || (k.Use != "" && k.Use != "sig") || (k.Alg != "" && k.Alg != "RS256") {
			continue
		}
		pub, err := rsaPublicKey(k.N, k.E)
		if err != nil {
			continue
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, errors.New("parse the key set: it holds no usable RS256 key")
	}
	return keys, nil
}

// rsaPublicKey builds a key from the base64url modulus n and exponent e of a JWK.
func rsaPublicKey(n, e string) (*rsa.PublicKey, error) {
	nBytes, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(n, "="))
	if err != nil {
		return nil, fmt.Errorf("modulus: %w", err)
	}
	eBytes, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(e, "="))
	if err != nil {
		return nil, fmt.Errorf("exponent: %w", err)
	}
	if len(eBytes) == 0 || len(eBytes) > 4 {
		return nil, errors.New("exponent: bad length")
	}
	exp := 0
	for _, b := range eBytes {
		exp = exp<<8 | int(b)
	}
	if exp < 3 || exp%2 == 0 {
		return nil, errors.New("exponent: not an odd number above 2")
	}
	mod := new(big.Int).SetBytes(nBytes)
	if mod.BitLen() < minRSABits {
		return nil, fmt.Errorf("modulus: shorter than %d bits", minRSABits)
	}
	return &rsa.PublicKey{N: mod, E: exp}, nil
}
