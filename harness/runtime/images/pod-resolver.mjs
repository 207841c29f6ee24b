// A pod's resolver: makes the pod's resolv.conf the resolver of its Node programs.
//
// On a real node each pod has its own /etc/resolv.conf, which the C library reads. A kata container
// is a Node program on the host, with the host's /etc. So the process runtime writes the pod's
// resolv.conf into the sandbox's folder, and starts each container with
//
//   KATA_RESOLV_CONF=<that file>   NODE_OPTIONS=--import <this file>
//
// Imported first, this module replaces Node's dns.lookup (which net.connect, http.get and fetch
// call for a host name) with one that does what the C library's resolver does with that file: the
// search list and ndots applied to the name, then the pod's name servers asked for each candidate
// in turn. A name they do not know (localhost, a name in the host's /etc/hosts) goes to the host's
// resolver, as before. A resolv.conf has no field for a port: `nameserver 127.96.0.10:1053` is
// kata's way of writing a server that does not answer on 53, and Node's resolver takes it as is.
//
// The search list and ndots (resolv.conf(5)): a name with fewer dots than ndots is tried with each
// search domain appended first, then as it is; a name with at least ndots dots is tried as it is
// first, then with the search domains; a name ending in a dot is tried as it is, only.
import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** resolv.conf text as { servers, searches, options } (the CRI's DNSConfig). */
export function parseResolvConf(text) {
  const config = { servers: [], searches: [], options: [] };
  for (const line of text.split('\n')) {
    const [keyword, ...values] = line
      .replace(/[#;].*/, '')
      .trim()
      .split(/\s+/);
    if (keyword === 'nameserver' && values[0]) config.servers.push(values[0]);
    // The last search (or domain) line wins, as in the C library.
    if (keyword === 'search' || keyword === 'domain') config.searches = values;
    if (keyword === 'options') config.options.push(...values);
  }
  return config;
}

/** A DNSConfig as resolv.conf text: what the runtime writes into a pod's sandbox. */
export function formatResolvConf(config) {
  const lines = config.servers.map((server) => `nameserver ${server}`);
  if (config.searches.length > 0) lines.push(`search ${config.searches.join(' ')}`);
  if (config.options.length > 0) lines.push(`options ${config.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** The ndots option of a configuration's options: 1 when unset, at most 15 (as the C library). */
export function ndotsOf(options) {
  const option = options.findLast((o) => o.startsWith('ndots:'));
  const value = option ? Number(option.slice('ndots:'.length)) : 1;
  return Number.isInteger(value) && value >= 0 ? Math.min(value, 15) : 1;
}

/** The names to ask for `name`, in order, by the search list and ndots. */
export function candidateNames(name, searches, ndots) {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const expanded = searches.map((domain) => `${name}.${domain}`);
  const dots = name.split('.').length - 1;
  return dots >= ndots ? [name, ...expanded] : [...expanded, name];
}

/**
 * The IPv4 addresses of the first candidate of `name` the servers know, or [] when none does.
 * A server that cannot be reached is an error: the caller falls back to the host's resolver.
 */
export async function resolveWithSearch(name, config, resolver) {
  for (const candidate of candidateNames(name, config.searches, ndotsOf(config.options))) {
    try {
      const addresses = await resolver.resolve4(candidate);
      if (addresses.length > 0) return addresses;
    } catch (error) {
      if (error.code !== dns.NOTFOUND && error.code !== dns.NODATA) throw error;
    }
  }
  return [];
}

/** Replaces dns.lookup with one that asks the pod's name servers first. */
export function install(config, target = dns) {
  if (config.servers.length === 0) return;
  const hostLookup = target.lookup;
  const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 2 });
  resolver.setServers(config.servers);
  const lookup = (hostname, options, callback) => {
    if (typeof options === 'function') [callback, options] = [options, {}];
    const wanted = typeof options === 'number' ? { family: options } : (options ?? {});
    if (isIP(hostname) || hostname === 'localhost' || wanted.family === 6)
      return hostLookup(hostname, options, callback);
    resolveWithSearch(hostname, config, resolver).then(
      (addresses) => {
        if (addresses.length === 0) return hostLookup(hostname, options, callback);
        if (wanted.all)
          callback(
            null,
            addresses.map((address) => ({ address, family: 4 })),
          );
        else callback(null, addresses[0], 4);
      },
      () => hostLookup(hostname, options, callback),
    );
  };
  target.lookup = lookup;
}

// Imported through NODE_OPTIONS in a container: install the pod's resolv.conf, if it has one.
const file = process.env.KATA_RESOLV_CONF;
if (file) {
  try {
    install(parseResolvConf(readFileSync(file, 'utf8')));
  } catch (error) {
    console.error(
      `kata pod resolver: cannot read ${file}: ${error.message}; using the host's resolver`,
    );
  }
}
