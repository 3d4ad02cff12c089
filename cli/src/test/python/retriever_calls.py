#!/usr/bin/python3
"""The calls dojot's certificate retriever makes, against Midge's EJBCA-REST (written for Midge's
tests, not copied): log in to POST /auth and read the tenant from the JWT's "service" claim, then
(as dojot's device manager did when a device was created) POST /user for TENANT:DEVICE, fetch the
CA certificate, make an RSA key and a CSR with CN=TENANT-DEVICE, and have it signed with
POST /sign/TENANT:DEVICE/pkcs10 and the password "dojot". Writes OUT/TENANT-DEVICE.key, .csr,
.crt and OUT/CA.crt, armoured as the retriever armours them.

Uses Debian's python3-requests and python3-openssl. HTTPS is verified against REQUESTS_CA_BUNDLE.

  retriever_calls.py URL DEVICE CA --token-file FILE --out DIR   enrol DEVICE
  retriever_calls.py URL DEVICE CA --token-file FILE --delete     DELETE /user/TENANT:DEVICE
"""
import argparse
import base64
import json
import os
import sys

import requests
from OpenSSL import crypto

HEADERS = {'content-type': 'application/json', 'Accept': 'application/json'}


def check(response, what):
    if response.status_code >= 300:
        sys.exit('%s: HTTP %d %s' % (what, response.status_code, response.text))
    return response.json()


def login(url, tenant, token):
    jwt = check(requests.post(url + '/auth', json={'username': tenant, 'passwd': token}), 'POST /auth')['jwt']
    claims = jwt.split('.')[1]
    claims += '=' * (-len(claims) % 4)
    return jwt, json.loads(base64.urlsafe_b64decode(claims))['service']


def armour(kind, body):
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (kind, body, kind)


def csr_for(common_name, key):
    req = crypto.X509Req()
    req.get_subject().CN = common_name
    req.add_extensions([
        crypto.X509Extension(b'keyUsage', False, b'Digital Signature, Non Repudiation, Key Encipherment'),
        crypto.X509Extension(b'basicConstraints', False, b'CA:FALSE'),
    ])
    req.set_pubkey(key)
    req.sign(key, 'sha256')
    return crypto.dump_certificate_request(crypto.FILETYPE_PEM, req).decode('ascii')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('url')
    parser.add_argument('device')
    parser.add_argument('ca')
    parser.add_argument('--tenant', default='admin')
    parser.add_argument('--token-file', required=True)
    parser.add_argument('--out', default='certs')
    parser.add_argument('--delete', action='store_true')
    args = parser.parse_args()
    with open(args.token_file) as f:
        token = f.read().strip()

    jwt, tenant = login(args.url, args.tenant, token)
    headers = dict(HEADERS, Authorization='Bearer ' + jwt)
    end_entity = tenant + ':' + args.device
    if args.delete:
        check(requests.delete(args.url + '/user/' + end_entity, params={'reason': 'KEY_COMPROMISE'},
                              headers=headers), 'DELETE /user')
        print('deleted ' + end_entity)
        return

    check(requests.post(args.url + '/user', headers=headers,
                        data=json.dumps({'username': end_entity, 'password': 'dojot'})), 'POST /user')
    os.makedirs(args.out, exist_ok=True)
    ca = check(requests.get(args.url + '/ca/' + args.ca, headers=headers), 'GET /ca')['certificate']
    with open(os.path.join(args.out, args.ca + '.crt'), 'w') as f:
        f.write(armour('CERTIFICATE', ca))

    archive = os.path.join(args.out, tenant + '-' + args.device)
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 2048)
    with open(archive + '.key', 'w') as f:
        f.write(crypto.dump_privatekey(crypto.FILETYPE_PEM, key).decode('ascii'))
    csr = csr_for(tenant + '-' + args.device, key)
    with open(archive + '.csr', 'w') as f:
        f.write(csr)
    body = csr[csr.find('-----BEGIN CERTIFICATE REQUEST-----') + len('-----BEGIN CERTIFICATE REQUEST-----'):
               csr.find('-----END CERTIFICATE REQUEST-----')].replace('\n', '')
    signed = check(requests.post(args.url + '/sign/' + end_entity + '/pkcs10', headers=headers,
                                 data=json.dumps({'passwd': 'dojot', 'certificate': body})), 'POST /sign')
    if signed['status']['responseType'] != 'CERTIFICATE':
        sys.exit('unexpected responseType ' + signed['status']['responseType'])
    with open(archive + '.crt', 'w') as f:
        f.write(armour('CERTIFICATE', signed['status']['data']))
    print('signed ' + archive + '.crt')


if __name__ == '__main__':
    main()
