/*
 * Moddable's "modules" module, the part a firmware host uses: whether a
 * module is installed (the host's or a mod's), and importing one at once.
 * The SDK's own (modules/base/modules/modules.js) also lists the host's and
 * the mod's modules, which the simulator's hosts do not need. Preloaded, as
 * the SDK's manifest asks, so a mod finds it frozen.
 */

class Modules {
	static has(name) @ "xs_modules_has";
	static importNow(name, namespace) @ "xs_modules_importNow";
}

export default Modules;
